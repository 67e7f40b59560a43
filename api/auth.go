package api

import (
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/privet-dev/privet"
)

// authenticate enforces the scope the route table declares for the
// operation: no or a bad key is a 401, a key without the scope a 403.
func (s *Server) authenticate(ctx huma.Context, next func(huma.Context)) {
	op := ctx.Operation()
	if info := requestInfoFrom(ctx.Context()); info != nil {
		info.Route = op.Method + " " + op.Path
	}
	scope, _ := op.Metadata[scopeMetadata].(privet.Scope)
	if scope == public {
		next(ctx)
		return
	}
	secret, ok := bearer(ctx.Header("Authorization"))
	if !ok {
		s.deny(ctx, privet.Errorf(privet.EUNAUTHORIZED, "an API key is required: Authorization: Bearer <key>"))
		return
	}
	key, err := s.cfg.Tenancy.Authenticate(ctx.Context(), secret)
	if err != nil {
		s.deny(ctx, err)
		return
	}
	if info := requestInfoFrom(ctx.Context()); info != nil {
		info.TenantID, info.KeyID = key.TenantID, key.ID
	}
	if scope != anyKey && !key.Allows(scope) {
		s.deny(ctx, privet.Errorf(privet.EFORBIDDEN, "the API key lacks the scope %s", scope))
		return
	}
	next(huma.WithValue(ctx, apiKeyKey, key))
}

func (s *Server) deny(ctx huma.Context, err error) {
	p := problemOf(err)
	if p.Status >= http.StatusInternalServerError {
		logInternal(ctx, err)
	}
	if p.Status == http.StatusUnauthorized {
		ctx.SetHeader("WWW-Authenticate", `Bearer realm="privet"`)
	}
	ctx.SetHeader("Content-Type", "application/problem+json")
	ctx.SetStatus(p.Status)
	_ = jsonEncode(ctx.BodyWriter(), p)
}

// bearer extracts the token of an "Authorization: Bearer <token>" header;
// the scheme is case-insensitive (RFC 9110).
func bearer(header string) (string, bool) {
	scheme, token, ok := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// actor is the audit actor of the request's API key.
func actor(key *privet.APIKey) privet.Actor {
	return privet.Actor{Type: privet.ActorAPIKey, ID: key.ID}
}
