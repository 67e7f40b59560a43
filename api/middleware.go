package api

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// maxRequestIDLength bounds a client-supplied X-Request-Id, which is echoed
// and logged: a longer or odd one is replaced rather than trusted.
const maxRequestIDLength = 128

// observe is the outermost middleware: it assigns the request id, and once
// the response is written, logs one access line and records the metrics.
// The route is the pattern, never the path, so no id or personal data ends
// up in a log line or a metric label.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{ID: requestID(r.Header.Get("X-Request-Id")), logger: s.cfg.Logger}
		w.Header().Set("X-Request-Id", info.ID)
		rec := &statusRecorder{ResponseWriter: w}
		r2 := r.WithContext(contextWithInfo(r.Context(), info))
		next.ServeHTTP(rec, r2)

		if info.Route == "" {
			info.Route = r2.Pattern // set by the ServeMux on the request it was given
		}
		if info.Route == "" {
			info.Route = "unmatched"
		}
		status := rec.Status()
		elapsed := time.Since(start)
		s.metrics.observe(r.Method, info.Route, status, elapsed)
		s.cfg.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("route", info.Route),
			slog.Int("status", status),
			slog.Duration("duration", elapsed),
			slog.String("request_id", info.ID),
			slog.String("tenant_id", info.TenantID),
			slog.String("key_id", info.KeyID),
		)
	})
}

// requestID keeps a sane client-supplied id, so a request can be followed
// across services, and makes one otherwise.
func requestID(given string) string {
	if given != "" && len(given) <= maxRequestIDLength && printableASCII(given) {
		return given
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// recoverPanics turns a panic into a 500 problem, so one bad request does not
// take the connection down without an answer. The panic is logged with the
// request id; its value never reaches the client.
func recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil || v == http.ErrAbortHandler {
				if v != nil {
					panic(v)
				}
				return
			}
			if info := requestInfoFrom(r.Context()); info != nil {
				info.logger.LogAttrs(r.Context(), slog.LevelError, "panic",
					slog.String("request_id", info.ID), slog.Any("panic", v))
			}
			if rec, ok := w.(*statusRecorder); ok && rec.status != 0 {
				return // the response has begun; nothing sane can follow
			}
			writeProblem(w, newProblem(http.StatusInternalServerError, "internal", "internal error", ""))
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets headers that cost an API nothing and close doors
// browsers would otherwise leave open.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// limitBody caps every body, also of routes huma does not serve; huma's
// own per-operation limit answers 413 first for the API's routes.
func limitBody(fallback int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := bodyLimit(r.Method+" "+r.URL.Path, fallback)
		if r.ContentLength > limit {
			writeProblem(w, newProblem(http.StatusRequestEntityTooLarge, "too_large", "the request body is too large", ""))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit+1)
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status written, for the log and metrics.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Status is the status sent, 200 if the handler wrote nothing.
func (r *statusRecorder) Status() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

// Unwrap lets http.ResponseController reach the connection (deadlines).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func jsonEncode(w io.Writer, v any) error {
	return json.NewEncoder(w).Encode(v)
}
