package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
)

// browser is the actor of privacy signals: the person's browser, acting for
// them on every request it sends.
var browser = privet.Actor{Type: privet.ActorSubject, ID: "browser"}

// signals is what a request says through its privacy headers.
type signals struct {
	gpc, dnt  bool
	userAgent string
	remote    string
}

// privacySignals reads a request's Sec-GPC and DNT headers into its info.
// The handler of a public route that learns whom the request is about (a
// visitor's cookie id, a subject from a signed link) then calls identified,
// which records them: a signal about nobody has nothing to attach to.
func privacySignals(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := requestInfoFrom(r.Context()); info != nil {
			info.signals = signals{
				gpc:       strings.TrimSpace(r.Header.Get("Sec-GPC")) == "1",
				dnt:       strings.TrimSpace(r.Header.Get("DNT")) == "1",
				userAgent: r.Header.Get("User-Agent"),
				remote:    r.RemoteAddr,
			}
		}
		next.ServeHTTP(w, r)
	})
}

// identified records the request's privacy signals for the party it turned
// out to be about, before the response: a GPC signal always, a DNT signal
// where the tenant's policy honours it (honour_dnt). Each is recorded once
// per person, however many requests carry it, and the recording is limited
// per client network like every public endpoint. A failure is logged, not
// returned: the request's own action stands.
func (s *Server) identified(ctx context.Context, tenantID string, party consent.Party) {
	ins := s.signalInputs(ctx, tenantID, party)
	if len(ins) == 0 {
		return
	}
	if _, err := s.cfg.Consent.RecordAll(ctx, browser, tenantID, ins); err != nil && privet.ErrorCode(err) != privet.ENOTFOUND {
		info := requestInfoFrom(ctx)
		info.logger.LogAttrs(ctx, slog.LevelError, "privacy signal not recorded",
			slog.String("request_id", info.ID), slog.String("code", privet.ErrorCode(err)))
	}
}

// signalInputs returns the request's privacy signals for the party, as
// inputs to record once each, within the per-network limit: for identified,
// or for a handler that records them with the request's own choices, in one
// transaction.
func (s *Server) signalInputs(ctx context.Context, tenantID string, party consent.Party) []consent.RecordInput {
	info := requestInfoFrom(ctx)
	if info == nil || s.cfg.Consent == nil || (!info.signals.gpc && !info.signals.dnt) {
		return nil
	}
	sig := info.signals
	in := consent.SignalInput{Party: party, UserAgent: sig.userAgent, IP: remoteIP(sig.remote)}
	var sources []privet.ConsentSource
	if sig.gpc {
		sources = append(sources, privet.SourceGPC)
	}
	if sig.dnt && s.honoursDNT(ctx, tenantID) {
		sources = append(sources, privet.SourceDNT)
	}
	var ins []consent.RecordInput
	for _, src := range sources {
		if !s.signalsLimit.allow(sig.remote) {
			break
		}
		in.Source = src
		ins = append(ins, in.Record())
	}
	return ins
}

// honoursDNT reports whether the tenant's policy in force honours DNT.
func (s *Server) honoursDNT(ctx context.Context, tenantID string) bool {
	if s.cfg.Consent.Policies == nil {
		return false
	}
	pol, err := s.cfg.Consent.Policies.Policy(ctx, tenantID)
	return err == nil && pol.Policy.HonourDNT
}
