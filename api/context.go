package api

import (
	"context"
	"log/slog"

	"github.com/privet-dev/privet"
)

// contextKey types the values this package keeps in a request's context, so
// no other package can read or overwrite them by accident.
type contextKey int

const (
	requestInfoKey contextKey = iota
	apiKeyKey
)

// requestInfo is what the access log and metrics learn about a request as it
// passes through the layers: set early by the outermost middleware, filled
// in by the router and the authentication, read back once the response is
// written. Only one goroutine touches it at a time.
type requestInfo struct {
	ID       string
	Route    string
	TenantID string
	KeyID    string
	logger   *slog.Logger
	// signals are the request's privacy headers (Sec-GPC, DNT).
	signals signals
}

func requestInfoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(requestInfoKey).(*requestInfo)
	return info
}

// RequestID returns the id of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	if info := requestInfoFrom(ctx); info != nil {
		return info.ID
	}
	return ""
}

// APIKey returns the authenticated API key of the request. Handlers of
// authenticated routes can rely on it; it is nil on public routes.
func APIKey(ctx context.Context) *privet.APIKey {
	k, _ := ctx.Value(apiKeyKey).(*privet.APIKey)
	return k
}

// TenantID returns the tenant of the authenticated API key, or "". Handlers
// look every object up with it, so another tenant's object is not found.
func TenantID(ctx context.Context) string {
	if k := APIKey(ctx); k != nil {
		return k.TenantID
	}
	return ""
}

func contextWithInfo(ctx context.Context, info *requestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey, info)
}
