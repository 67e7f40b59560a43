package api

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/web"
)

// Limits of the public consent endpoint, per client network: a person
// clicking a banner needs a handful of requests, a script flooding the
// ledger is stopped after a burst.
const (
	publicConsentPerSecond = 1.0
	publicConsentBurst     = 20
	publicConsentClients   = 10_000
)

// visitor is the actor of choices made in the banner: the person, not yet
// known as a subject, acting for themselves.
var visitor = privet.Actor{Type: privet.ActorSubject, ID: "banner"}

// bannerRoutes serves the cookie banner, the GPC statement and the public
// endpoint the banner records choices through. The banner is rendered once,
// when the server starts with its policy.
type bannerRoutes struct {
	s       *Server
	banner  *web.Banner
	limiter *rateLimiter
}

func newBannerRoutes(s *Server) *bannerRoutes {
	b := &bannerRoutes{s: s, limiter: s.public}
	if s.cfg.Policy != nil {
		banner, err := web.Render(s.cfg.Policy)
		if err != nil {
			s.cfg.Logger.Error("cookie banner not served: the policy's cookies do not render", "error", err.Error())
		}
		b.banner = banner
	}
	return b
}

// script serves /banner.js?tenant=ID. The tenant is read by the script from
// its own address; the script itself is the same for every tenant.
func (b *bannerRoutes) script(w http.ResponseWriter, r *http.Request) {
	if b.banner == nil {
		writeProblem(w, newProblem(http.StatusServiceUnavailable, privet.EUNAVAILABLE, "no policy is loaded", ""))
		return
	}
	if !strings.HasPrefix(r.URL.Query().Get("tenant"), privet.PrefixTenant+"_") {
		writeProblem(w, newProblem(http.StatusUnprocessableEntity, privet.EINVALID, "tenant: a tenant id is required", "tenant"))
		return
	}
	b.banner.ServeHTTP(w, r)
}

// gpc serves /.well-known/gpc.json: this server honours Global Privacy
// Control, as of the policy's effective date.
func (b *bannerRoutes) gpc(w http.ResponseWriter, r *http.Request) {
	if b.s.cfg.Policy == nil {
		writeProblem(w, newProblem(http.StatusServiceUnavailable, privet.EUNAVAILABLE, "no policy is loaded", ""))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_ = json.NewEncoder(w).Encode(struct {
		GPC        bool   `json:"gpc"`
		LastUpdate string `json:"lastUpdate"`
	}{true, b.s.cfg.Policy.Policy.Effective})
}

// preflight lets pages of any origin post a choice: the endpoint takes no
// credentials, so a wildcard origin is safe.
func (b *bannerRoutes) preflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "POST")
	h.Set("Access-Control-Allow-Headers", "Content-Type")
	h.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

type publicConsentInput struct {
	UserAgent string `header:"User-Agent"`
	SecGPC    string `header:"Sec-GPC" doc:"1 when the browser sends a Global Privacy Control signal."`
	Body      struct {
		Tenant   string          `json:"tenant" maxLength:"64" doc:"The tenant whose banner was shown."`
		CookieID string          `json:"cookie_id" minLength:"16" maxLength:"128" doc:"The visitor's random cookie id; only its blind index is kept."`
		Choices  map[string]bool `json:"choices,omitempty" doc:"Cookie category (analytics, preference, advertising) to whether it is allowed."`
		GPC      bool            `json:"gpc,omitempty" doc:"The browser's navigator.globalPrivacyControl."`
	}
	remote string
}

// Resolve keeps the client's address: the rate limit and the evidence need it.
func (in *publicConsentInput) Resolve(ctx huma.Context) []error {
	in.remote = ctx.RemoteAddr()
	return nil
}

type publicConsentOutput struct {
	AllowOrigin string `header:"Access-Control-Allow-Origin"`
}

// record stores a banner choice as one event per purpose of each category,
// and a GPC refusal when the signal is present, in one transaction. The answer is the same
// whoever the visitor is, so it reveals nothing about anyone.
func (b *bannerRoutes) record(ctx context.Context, in *publicConsentInput) (*publicConsentOutput, error) {
	if !b.limiter.allow(in.remote) {
		return nil, privet.Errorf(privet.ERATELIMIT, "too many choices from this network; try again later")
	}
	if b.banner == nil || b.s.cfg.Consent == nil {
		return nil, privet.Errorf(privet.EUNAVAILABLE, "no policy is loaded")
	}
	body := in.Body
	if !strings.HasPrefix(body.Tenant, privet.PrefixTenant+"_") {
		return nil, privet.FieldError("tenant", "a tenant id is required")
	}
	gpc := body.GPC || strings.TrimSpace(in.SecGPC) == "1"
	if len(body.Choices) == 0 && !gpc {
		return nil, privet.FieldError("choices", "no choice was made")
	}
	type choice struct {
		purpose string
		state   privet.ConsentState
	}
	var choices []choice
	for _, c := range b.banner.Categories { // the banner's order, not the map's
		allowed, ok := body.Choices[c.Key]
		if !ok {
			continue
		}
		state := privet.StateRefused
		if allowed && !(gpc && c.Key == "advertising") {
			state = privet.StateGiven
		}
		for _, p := range c.Purposes {
			choices = append(choices, choice{p, state})
		}
	}
	for k := range body.Choices {
		if _, ok := b.banner.Category(k); !ok && k != "essential" && k != "security" {
			return nil, privet.FieldError("choices", "unknown cookie category")
		}
	}
	ip := ""
	if ap := clientNetwork(in.remote); ap.IsValid() {
		ip = ap.Addr().String()
	}
	// One choice is one transaction: its signals and every purpose of every
	// category are recorded together, or nothing is.
	party := consent.Party{CookieID: body.CookieID}
	ins := b.s.signalInputs(ctx, body.Tenant, party) // Sec-GPC, and DNT where the policy honours it
	if gpc && !slices.ContainsFunc(ins, func(in consent.RecordInput) bool { return in.Source == privet.SourceGPC }) {
		// The script's navigator.globalPrivacyControl without the header;
		// or the header beyond the signals' limit, within the banner's own.
		ins = append(ins, consent.SignalInput{Party: party, Source: privet.SourceGPC, UserAgent: in.UserAgent, IP: ip}.Record())
	}
	for _, c := range choices {
		ins = append(ins, consent.RecordInput{Party: party, Purpose: c.purpose, State: c.state, Source: privet.SourceBanner,
			UserAgent: in.UserAgent, IP: ip})
	}
	if _, err := b.s.cfg.Consent.RecordAll(ctx, visitor, body.Tenant, ins); err != nil {
		return nil, err
	}
	return &publicConsentOutput{AllowOrigin: "*"}, nil
}
