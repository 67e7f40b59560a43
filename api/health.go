package api

import (
	"net/http"

	"github.com/privet-dev/privet"
)

// healthz answers while the process runs: a liveness probe restarts a
// process that stops answering, not one whose database is away.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
}

// readyz answers 200 only while the store is reachable, its schema current
// and the consent decision memory filled, so a load balancer sends no
// traffic to a server that would fail it.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Consent != nil {
		if err := s.cfg.Consent.Ready(); err != nil {
			w.Header().Set("Retry-After", retryAfterLoading)
			writeProblem(w, problemOf(err))
			return
		}
	}
	if s.cfg.ReadyCheck != nil {
		if err := s.cfg.ReadyCheck(r.Context()); err != nil {
			if info := requestInfoFrom(r.Context()); info != nil {
				info.logger.WarnContext(r.Context(), "not ready", "request_id", info.ID, "error", err.Error())
			}
			writeProblem(w, newProblem(http.StatusServiceUnavailable, privet.EUNAVAILABLE, "not ready", ""))
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"status":"ready"}` + "\n"))
}

// notFound answers any path no route matches with a problem document, so
// clients parse one error shape everywhere.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	if info := requestInfoFrom(r.Context()); info != nil {
		info.Route = "unmatched"
	}
	writeProblem(w, newProblem(http.StatusNotFound, privet.ENOTFOUND, "no such route", ""))
}
