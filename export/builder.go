package export

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
	"github.com/privet-dev/privet/deadline"
	"github.com/privet-dev/privet/vault"
)

// DefaultWindow is how long a package stays downloadable when the policy
// sets no rights.export_window.
const DefaultWindow = 30 * 24 * time.Hour

// pageSize is how many consent or audit events one read fetches.
const pageSize = 1000

// builderActor is the actor of packages built by a request's execution.
var builderActor = privet.Actor{Type: privet.ActorSystem, ID: "export"}

// Builder builds the access package that answers a data-subject access or
// portability request: it reads everything about the subject (the vault's
// data through vault.ForAccessRequest, the consent history with its signed
// receipts, the audit events about the subject, the policy), writes the ZIP
// and saves it, downloadable for the policy's rights.export_window. It is
// the requests service's Packages.
type Builder struct {
	Packages *Packages
	Vault    *vault.Service
	// Consent signs the receipts; nil leaves receipts out.
	Consent  *consent.Service
	Policies vault.Policies
}

// Build builds the package of a subject for a request and returns its id
// and expiry. It is idempotent per request id: a rerun (after a crash, or a
// retried job) returns the package already built instead of a second one.
// ENOTFOUND for an unknown or erased subject.
func (b *Builder) Build(ctx context.Context, tenantID, subjectID, requestID string) (string, time.Time, error) {
	if requestID == "" {
		return "", time.Time{}, privet.FieldError("request_id", "a package answers a request")
	}
	var done *privet.ExportPackage
	err := b.Packages.Store.View(ctx, func(tx privet.Tx) (err error) {
		done, err = tx.PackageByRequest(ctx, tenantID, requestID)
		return err
	})
	switch {
	case err == nil:
		return done.ID, done.ExpiresAt, nil
	case !errors.Is(err, privet.ErrNotFound):
		return "", time.Time{}, err
	}
	in, err := b.contents(ctx, tenantID, subjectID, requestID)
	if err != nil {
		return "", time.Time{}, err
	}
	window, err := b.window(in)
	if err != nil {
		return "", time.Time{}, err
	}
	pkg, err := b.Packages.Save(ctx, tenantID, PackageMeta{SubjectID: subjectID, RequestID: requestID, ExpiresAt: window},
		func(w io.Writer) error { return Write(ctx, w, in) })
	if err != nil {
		return "", time.Time{}, err
	}
	err = b.Packages.Store.Update(ctx, func(tx privet.Tx) error {
		ev := builderActor.Event(tenantID, "package.create", b.Packages.now())
		ev.SubjectID, ev.Reason = subjectID, pkg.ID
		return tx.AppendAudit(ctx, ev)
	})
	if err != nil {
		// No audit, no package: the next run builds it again.
		_ = b.Packages.Delete(context.WithoutCancel(ctx), tenantID, pkg.ID)
		return "", time.Time{}, err
	}
	return pkg.ID, pkg.ExpiresAt, nil
}

// window is when a package made now expires: now plus the policy's
// rights.export_window, or DefaultWindow.
func (b *Builder) window(in Contents) (time.Time, error) {
	w := in.Policy.Policy.Rights.ExportWindow
	if w == "" {
		return in.GeneratedAt.Add(DefaultWindow), nil
	}
	p, err := deadline.ParsePeriod(w)
	if err != nil || p.IsZero() {
		return time.Time{}, privet.FieldError("rights.export_window", "is not a period")
	}
	return deadline.Add(in.GeneratedAt, p, nil), nil
}

// contents reads everything the package holds.
func (b *Builder) contents(ctx context.Context, tenantID, subjectID, requestID string) (Contents, error) {
	pol, err := b.Policies.Policy(ctx, tenantID)
	if err != nil {
		return Contents{}, err
	}
	view, err := b.Vault.ForAccessRequest(ctx, builderActor, tenantID, subjectID, requestID)
	if err != nil {
		return Contents{}, err
	}
	in := Contents{Subject: *view, Policy: pol, GeneratedAt: b.Packages.now(), Receipts: map[string][]byte{}}
	st := b.Packages.Store
	for after := int64(0); ; {
		var page []*privet.ConsentEvent
		if err := st.View(ctx, func(tx privet.Tx) (err error) {
			page, err = tx.ConsentEvents(ctx, tenantID, privet.ConsentQuery{SubjectID: subjectID, AfterSeq: after, Limit: pageSize})
			return err
		}); err != nil {
			return Contents{}, err
		}
		in.Consents = append(in.Consents, page...)
		if len(page) < pageSize {
			break
		}
		after = page[len(page)-1].Seq
	}
	if b.Consent != nil {
		for _, ev := range in.Consents {
			r, err := b.Consent.Receipt(ctx, tenantID, ev.ID)
			switch {
			case err == nil:
				in.Receipts[ev.ID] = []byte(r.JWS)
			case privet.ErrorCode(err) == privet.EINVALID:
				// Neither given nor withdrawn (or no signing key): no receipt.
			default:
				return Contents{}, err
			}
		}
	}
	for after := int64(0); ; {
		var page []*privet.AuditEvent
		if err := st.View(ctx, func(tx privet.Tx) (err error) {
			page, err = tx.AuditEvents(ctx, tenantID, privet.AuditQuery{SubjectID: subjectID, AfterSeq: after, Limit: pageSize})
			return err
		}); err != nil {
			return Contents{}, err
		}
		in.Access = append(in.Access, page...)
		if len(page) < pageSize {
			break
		}
		after = page[len(page)-1].Seq
	}
	return in, nil
}
