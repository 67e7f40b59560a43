package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// bannerPage is a site that includes the banner and gates a tag on it.
const bannerPage = `<!doctype html><html><head><title>shop</title></head><body>
<script>
window.events = []; window.tagRan = false;
window.addEventListener("privet:consent", function (e) { window.events.push(e.detail); });
</script>
<script src="%s/banner.js?tenant=%s"></script>
<script>window.privet.onConsent("analytics", function () { window.tagRan = true; });</script>
</body></html>`

// browserEnv is a headless Chromium, a privet server and a site using its
// banner. recorded receives one value per choice the server has answered.
type browserEnv struct {
	*env
	alloc    context.Context
	site     string
	recorded chan int
}

func newBrowserEnv(t *testing.T) *browserEnv {
	t.Helper()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed")
	}
	e := newEnv(t)
	b := &browserEnv{env: e, recorded: make(chan int, 16)}
	apiSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		e.server.Handler().ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		if r.Method == http.MethodPost && r.URL.Path == "/v1/public/consents" {
			b.recorded <- rec.Code
		}
	}))
	t.Cleanup(apiSrv.Close)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, bannerPage, apiSrv.URL, e.tenantA)
	}))
	t.Cleanup(site.Close)
	b.site = site.URL

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	b.alloc = alloc
	return b
}

// tab opens a new tab with no cookies, bounded by a timeout.
func (b *browserEnv) tab(t *testing.T, gpc bool) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.alloc)
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 30*time.Second)
	t.Cleanup(cancelTimeout)
	actions := []chromedp.Action{network.ClearBrowserCookies()}
	if gpc {
		actions = append(actions, chromedp.ActionFunc(func(ctx context.Context) error {
			_, err := page.AddScriptToEvaluateOnNewDocument(`Object.defineProperty(navigator,'globalPrivacyControl',{get:()=>true})`).Do(ctx)
			return err
		}))
	}
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// waitRecorded waits for the server to answer the banner's choice.
func (b *browserEnv) waitRecorded(t *testing.T, ctx context.Context) {
	t.Helper()
	select {
	case code := <-b.recorded:
		if code != http.StatusNoContent {
			t.Fatalf("the banner's choice was answered %d", code)
		}
	case <-ctx.Done():
		t.Fatal("the banner recorded no choice")
	}
}

// decision asks the API about the visitor whose cookie the page holds.
func (b *browserEnv) decision(t *testing.T, ctx context.Context, purpose string) string {
	t.Helper()
	var cookie string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`decodeURIComponent((document.cookie.match(/privet_consent=([^;]*)/)||[,""])[1])`, &cookie)); err != nil {
		t.Fatal(err)
	}
	id, _, ok := strings.Cut(cookie, ":")
	if !ok || id == "" {
		t.Fatalf("no first-party consent cookie: %q", cookie)
	}
	w := b.do(t, "POST", "/v1/decisions", b.adminA, `{"cookie_id":"`+id+`","purpose":"`+purpose+`","jurisdiction":"DE"}`)
	if w.Code != http.StatusOK {
		t.Fatalf("decide: %d %s", w.Code, w.Body)
	}
	return w.Body.String()
}

func TestBannerInBrowser(t *testing.T) {
	b := newBrowserEnv(t)
	const analytics, ads = "analytics.reporting", "marketing.advertising.third_party.targeted"

	t.Run("reject is as prominent as accept and refuses", func(t *testing.T) {
		ctx := b.tab(t, false)
		var look struct {
			Role, Label            string
			AcceptFont, RejectFont string
			AcceptW, RejectW       float64
		}
		err := chromedp.Run(ctx,
			chromedp.Navigate(b.site),
			chromedp.WaitVisible("#privet-accept", chromedp.ByQuery),
			chromedp.WaitVisible("#privet-reject", chromedp.ByQuery),
			chromedp.Evaluate(`(function () {
				var d = document.getElementById("privet-banner"), a = document.getElementById("privet-accept"), r = document.getElementById("privet-reject");
				return {Role: d.getAttribute("role"), Label: d.getAttribute("aria-label"),
					AcceptFont: getComputedStyle(a).fontSize, RejectFont: getComputedStyle(r).fontSize,
					AcceptW: a.getBoundingClientRect().width, RejectW: r.getBoundingClientRect().width};
			})()`, &look),
		)
		if err != nil {
			t.Fatal(err)
		}
		if look.Role != "dialog" || look.Label == "" {
			t.Errorf("banner role %q, label %q", look.Role, look.Label)
		}
		if look.AcceptFont != look.RejectFont || look.AcceptW == 0 || look.RejectW == 0 {
			t.Errorf("accept %s wide %v, reject %s wide %v", look.AcceptFont, look.AcceptW, look.RejectFont, look.RejectW)
		}
		var events int
		var tagRan, bannerGone bool
		err = chromedp.Run(ctx,
			chromedp.Click("#privet-reject", chromedp.ByQuery),
			chromedp.Poll(`window.events.length > 0`, nil),
			chromedp.Evaluate(`window.events.length`, &events),
			chromedp.Evaluate(`window.tagRan`, &tagRan),
			chromedp.Evaluate(`document.getElementById("privet-banner") === null`, &bannerGone),
		)
		if err != nil {
			t.Fatal(err)
		}
		if events != 1 || tagRan || !bannerGone {
			t.Errorf("events %d, tag ran %v, banner gone %v", events, tagRan, bannerGone)
		}
		b.waitRecorded(t, ctx)
		for _, p := range []string{analytics, ads} {
			if d := b.decision(t, ctx, p); !strings.Contains(d, `"reason":"refused"`) {
				t.Errorf("%s: %s", p, d)
			}
		}
	})

	t.Run("the tag runs only after accept", func(t *testing.T) {
		ctx := b.tab(t, false)
		var before bool
		err := chromedp.Run(ctx,
			chromedp.Navigate(b.site),
			chromedp.WaitVisible("#privet-accept", chromedp.ByQuery),
			chromedp.Evaluate(`window.tagRan`, &before),
			chromedp.Click("#privet-accept", chromedp.ByQuery),
			chromedp.Poll(`window.tagRan === true`, nil),
		)
		if err != nil {
			t.Fatal(err)
		}
		if before {
			t.Error("the tag ran before any choice")
		}
		b.waitRecorded(t, ctx)
		if d := b.decision(t, ctx, analytics); !strings.Contains(d, `"allowed":true`) {
			t.Errorf("analytics: %s", d)
		}
	})

	t.Run("GPC refuses advertising without asking", func(t *testing.T) {
		ctx := b.tab(t, true)
		var adsBox bool
		err := chromedp.Run(ctx,
			chromedp.Navigate(b.site),
			chromedp.WaitVisible("#privet-banner", chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector('#privet-banner input[name=advertising]').disabled`, &adsBox),
		)
		if err != nil {
			t.Fatal(err)
		}
		b.waitRecorded(t, ctx) // before any click
		if !adsBox {
			t.Error("the advertising switch can be turned on despite GPC")
		}
		if d := b.decision(t, ctx, ads); !strings.Contains(d, `"allowed":false`) || !strings.Contains(d, `"reason":"refused"`) {
			t.Errorf("advertising: %s", d)
		}
		if d := b.decision(t, ctx, analytics); !strings.Contains(d, `"reason":"no_consent"`) {
			t.Errorf("analytics was decided without asking: %s", d)
		}
	})
}
