package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/export"
)

type packageDownloadInput struct {
	Token  string `path:"token" maxLength:"512" doc:"The signed download link's token, from the completion email."`
	remote string
}

// Resolve keeps the client's address for the rate limit.
func (in *packageDownloadInput) Resolve(ctx huma.Context) []error {
	in.remote = ctx.RemoteAddr()
	return nil
}

// packageDownload streams an access package to whoever holds its signed
// link. The download is audited before the first byte (no audit, no
// download), and every bad link, expired or deleted package answers the
// same 404, so the route tells nothing about what exists.
func (s *Server) packageDownload(ctx context.Context, in *packageDownloadInput) (*huma.StreamResponse, error) {
	if !s.public.allow(in.remote) {
		return nil, privet.Errorf(privet.ERATELIMIT, "too many attempts from this network; try again later")
	}
	pkgs := s.cfg.Packages
	if pkgs == nil {
		return nil, export.ErrNoDownload
	}
	pkg, err := pkgs.Download(ctx, in.Token)
	if err != nil {
		return nil, err
	}
	// The signed link names the person: their browser's signals are theirs.
	s.identified(ctx, pkg.TenantID, consent.Party{SubjectID: pkg.SubjectID})
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		hc.SetHeader("Content-Type", "application/zip")
		hc.SetHeader("Content-Disposition", `attachment; filename="`+pkg.ID+`.zip"`)
		hc.SetHeader("Cache-Control", "no-store")
		hc.SetStatus(http.StatusOK)
		if err := pkgs.Open(hc.Context(), pkg.TenantID, pkg.ID, hc.BodyWriter()); err != nil {
			// Headers are gone: cut the connection so the client sees a
			// broken download, never a short ZIP taken for a whole one.
			s.cfg.Logger.Error("package download broke", "package_id", pkg.ID, "error", privet.ErrorCode(err))
			panic(http.ErrAbortHandler)
		}
	}}, nil
}
