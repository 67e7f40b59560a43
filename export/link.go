package export

import (
	"context"
	"time"

	"github.com/privet-dev/privet"
)

// linkKeyPurpose names the derived key that signs download links: its own
// key, so an unsubscribe link or any other signed value never passes for one.
const linkKeyPurpose = "export-download-links"

// Link is what a download link carries: a tenant and a package id (no
// personal data) and the link's expiry.
type Link struct {
	TenantID  string
	PackageID string
	Expires   time.Time
}

// errBadLink is the one answer to every forged, tampered, malformed or
// expired link: telling them apart would help a forger.
func errBadLink() error {
	return privet.FieldError("token", "the download link is invalid or has expired")
}

// SignLink returns a signed token naming the package, valid for ttl or
// until the package expires, whichever is sooner (ttl 0: until the package
// expires), and the token's expiry.
func (p *Packages) SignLink(pkg *privet.ExportPackage, ttl time.Duration) (string, time.Time) {
	exp := pkg.ExpiresAt
	if ttl > 0 && p.now().Add(ttl).Before(exp) {
		exp = p.now().Add(ttl)
	}
	exp = exp.Truncate(time.Second)
	return p.Master.SignLink(linkKeyPurpose, []string{pkg.TenantID, pkg.ID}, exp), exp
}

// VerifyLink checks a download token's signature and expiry and returns
// what it names. Every failure is the same EINVALID error on field "token".
// The package itself may still be gone: Open answers that.
func (p *Packages) VerifyLink(token string) (Link, error) {
	f, exp, ok := p.Master.VerifyLink(linkKeyPurpose, token, 2)
	if !ok || !p.now().Before(exp) {
		return Link{}, errBadLink()
	}
	return Link{TenantID: f[0], PackageID: f[1], Expires: exp}, nil
}

// DownloadToken signs the download link of a ready package, valid until the
// package expires, for the completion notice. ENOTFOUND or EFORBIDDEN as
// Package.
func (p *Packages) DownloadToken(ctx context.Context, tenantID, id string) (string, time.Time, error) {
	pkg, err := p.Package(ctx, tenantID, id)
	if err != nil {
		return "", time.Time{}, err
	}
	tok, exp := p.SignLink(pkg, 0)
	return tok, exp, nil
}
