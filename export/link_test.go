package export_test

import (
	"strings"
	"testing"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/export"
)

func newLinkWorld(t testing.TB) (*export.Packages, *privet.ManualClock, *privet.ExportPackage) {
	clock := privet.NewManualClock(t0)
	p := &export.Packages{Master: newMaster(t), Clock: clock}
	pkg := &privet.ExportPackage{TenantID: "ten_1", ID: "pkg_1", ExpiresAt: t0.Add(30 * 24 * time.Hour)}
	return p, clock, pkg
}

func TestLink(t *testing.T) {
	p, clock, pkg := newLinkWorld(t)
	tok, exp := p.SignLink(pkg, 0)
	if !exp.Equal(pkg.ExpiresAt) {
		t.Fatalf("link expires %v, want the package's %v", exp, pkg.ExpiresAt)
	}
	l, err := p.VerifyLink(tok)
	if err != nil || l.TenantID != "ten_1" || l.PackageID != "pkg_1" || !l.Expires.Equal(exp) {
		t.Fatalf("VerifyLink = %+v, %v", l, err)
	}

	short, exp := p.SignLink(pkg, time.Hour)
	if !exp.Equal(t0.Add(time.Hour)) {
		t.Fatalf("short link expires %v", exp)
	}
	clock.Advance(time.Hour)
	_, err = p.VerifyLink(short)
	wantField(t, err, "token")
	if _, err := p.VerifyLink(tok); err != nil {
		t.Fatalf("long link after an hour: %v", err)
	}
	// A ttl beyond the package's life is cut to it.
	if _, exp := p.SignLink(pkg, 365*24*time.Hour); !exp.Equal(pkg.ExpiresAt) {
		t.Fatalf("link outlives its package: %v", exp)
	}
	clock.Set(pkg.ExpiresAt)
	_, err = p.VerifyLink(tok)
	wantField(t, err, "token")

	// A token signed by the same master for another use does not pass.
	clock.Set(t0)
	other := p.Master.SignLink("unsubscribe-links", []string{"ten_1", "pkg_1"}, t0.Add(time.Hour))
	_, err = p.VerifyLink(other)
	wantField(t, err, "token")

	flipped := []byte(tok)
	flipped[5] ^= 1
	for _, bad := range []string{"", "x", string(flipped), tok + "A", strings.Repeat("A", 5000)} {
		_, err := p.VerifyLink(bad)
		wantField(t, err, "token")
	}
}

func wantField(t testing.TB, err error, field string) {
	t.Helper()
	wantCode(t, err, privet.EINVALID)
	if privet.ErrorField(err) != field {
		t.Fatalf("field %q, want %q", privet.ErrorField(err), field)
	}
}

// FuzzVerifyLink checks that no token makes VerifyLink panic, that every
// failure is the one EINVALID answer, and that a token it accepts is the
// very token SignLink makes for what it names.
func FuzzVerifyLink(f *testing.F) {
	p, _, pkg := newLinkWorld(f)
	tok, _ := p.SignLink(pkg, 0)
	f.Add(tok)
	f.Add(tok[:len(tok)-1])
	f.Add("")
	f.Add("AQ")
	f.Fuzz(func(t *testing.T, token string) {
		l, err := p.VerifyLink(token)
		if err != nil {
			if privet.ErrorCode(err) != privet.EINVALID || privet.ErrorField(err) != "token" {
				t.Fatalf("error %v", err)
			}
			return
		}
		again, _ := p.SignLink(&privet.ExportPackage{TenantID: l.TenantID, ID: l.PackageID, ExpiresAt: l.Expires}, 0)
		if again != token {
			t.Fatalf("accepted %q, which SignLink would write as %q", token, again)
		}
	})
}
