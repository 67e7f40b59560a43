package export

import (
	"context"

	"github.com/privet-dev/privet"
)

// ErrNoDownload is the one answer to a download link that does not lead to
// a package: forged, tampered, expired, or its package expired or deleted.
// Telling these apart would help a forger and reveal whether a package
// existed.
var ErrNoDownload = privet.Errorf(privet.ENOTFOUND, "the download link is invalid or has expired")

// Download checks a download token and the package it names, and records
// the download in the audit log ("package.download", by the subject, ids
// only) before anything is streamed: no audit, no download. The caller
// then streams the package with Open. Every failure of the link or the
// package is ErrNoDownload; a failed audit write is returned as is.
func (p *Packages) Download(ctx context.Context, token string) (*privet.ExportPackage, error) {
	link, err := p.VerifyLink(token)
	if err != nil {
		return nil, ErrNoDownload
	}
	pkg, err := p.Package(ctx, link.TenantID, link.PackageID)
	switch code := privet.ErrorCode(err); {
	case err == nil:
	case code == privet.ENOTFOUND || code == privet.EFORBIDDEN:
		return nil, ErrNoDownload
	default:
		return nil, err
	}
	err = p.Store.Update(ctx, func(tx privet.Tx) error {
		ev := privet.Actor{Type: privet.ActorSubject, ID: pkg.SubjectID}.Event(pkg.TenantID, "package.download", p.now())
		ev.SubjectID, ev.Reason = pkg.SubjectID, pkg.ID
		return tx.AppendAudit(ctx, ev)
	})
	if err != nil {
		return nil, err
	}
	return pkg, nil
}
