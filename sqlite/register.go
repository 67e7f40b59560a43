package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/privet-dev/privet"
)

func (t *tx) CreateAuthorityDisclosure(ctx context.Context, d *privet.AuthorityDisclosure) error {
	_, err := t.exec(ctx, `INSERT INTO authority_disclosures (tenant_id, id, subject_id, recipient, legal_basis, reference,
		categories, disclosed_at, gag, notice, notice_sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.TenantID, d.ID, d.SubjectID, d.Recipient, d.LegalBasis, d.Reference, strings.Join(d.Categories, ","),
		nanos(d.DisclosedAt), d.Gag, string(d.Notice), nanosPtr(d.NoticeSentAt))
	switch {
	case isUnique(err):
		return privet.Errorf(privet.ECONFLICT, "disclosure already exists")
	case isForeignKey(err):
		return notFound("tenant or subject")
	}
	return dbError("create authority disclosure", err)
}

const authorityColumns = `tenant_id, id, subject_id, recipient, legal_basis, reference, categories, disclosed_at, gag, notice, notice_sent_at`

func scanAuthority(sc interface{ Scan(...any) error }) (*privet.AuthorityDisclosure, error) {
	var d privet.AuthorityDisclosure
	var cats, notice string
	var disclosed, sent nullTime
	if err := sc.Scan(&d.TenantID, &d.ID, &d.SubjectID, &d.Recipient, &d.LegalBasis, &d.Reference, &cats,
		&disclosed, &d.Gag, &notice, &sent); err != nil {
		return nil, err
	}
	if cats != "" {
		d.Categories = strings.Split(cats, ",")
	}
	d.Notice, d.DisclosedAt, d.NoticeSentAt = privet.NoticeStatus(notice), disclosed.time(), sent.ptr()
	return &d, nil
}

func (t *tx) AuthorityDisclosure(ctx context.Context, tenantID, id string) (*privet.AuthorityDisclosure, error) {
	d, err := scanAuthority(t.queryRow(ctx, `SELECT `+authorityColumns+` FROM authority_disclosures WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("authority disclosure")
	}
	if err != nil {
		return nil, dbError("authority disclosure", err)
	}
	return d, nil
}

func (t *tx) AuthorityDisclosures(ctx context.Context, tenantID, subjectID string) ([]*privet.AuthorityDisclosure, error) {
	rows, err := t.query(ctx, `SELECT `+authorityColumns+` FROM authority_disclosures WHERE tenant_id = ? AND subject_id = ?
		ORDER BY disclosed_at, id LIMIT 1000`, tenantID, subjectID)
	if err != nil {
		return nil, dbError("authority disclosures", err)
	}
	defer rows.Close()
	var out []*privet.AuthorityDisclosure
	for rows.Next() {
		d, err := scanAuthority(rows)
		if err != nil {
			return nil, dbError("authority disclosures", err)
		}
		out = append(out, d)
	}
	return out, dbError("authority disclosures", rows.Err())
}

func (t *tx) UpdateAuthorityNotice(ctx context.Context, d *privet.AuthorityDisclosure) error {
	res, err := t.exec(ctx, `UPDATE authority_disclosures SET gag = ?, notice = ?, notice_sent_at = ? WHERE tenant_id = ? AND id = ?`,
		d.Gag, string(d.Notice), nanosPtr(d.NoticeSentAt), d.TenantID, d.ID)
	return oneRow("update authority notice", "authority disclosure", res, err)
}

func (t *tx) CreateProcessorEnd(ctx context.Context, e *privet.ProcessorEnd) error {
	_, err := t.exec(ctx, `INSERT INTO processor_ends (tenant_id, id, recipient, reference, ended_at, deletion_due, confirmed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, e.TenantID, e.ID, e.Recipient, e.Reference, nanos(e.EndedAt), nanos(e.DeletionDue), nanosPtr(e.ConfirmedAt))
	switch {
	case isUnique(err):
		return privet.Errorf(privet.ECONFLICT, "record already exists")
	case isForeignKey(err):
		return notFound("tenant")
	}
	return dbError("create processor end", err)
}

func (t *tx) ProcessorEnds(ctx context.Context, tenantID string, outstanding bool) ([]*privet.ProcessorEnd, error) {
	q := `SELECT tenant_id, id, recipient, reference, ended_at, deletion_due, confirmed_at FROM processor_ends WHERE tenant_id = ?`
	if outstanding {
		q += ` AND confirmed_at IS NULL`
	}
	rows, err := t.query(ctx, q+` ORDER BY deletion_due, id LIMIT 1000`, tenantID)
	if err != nil {
		return nil, dbError("processor ends", err)
	}
	defer rows.Close()
	var out []*privet.ProcessorEnd
	for rows.Next() {
		var e privet.ProcessorEnd
		var ended, due, confirmed nullTime
		if err := rows.Scan(&e.TenantID, &e.ID, &e.Recipient, &e.Reference, &ended, &due, &confirmed); err != nil {
			return nil, dbError("processor ends", err)
		}
		e.EndedAt, e.DeletionDue, e.ConfirmedAt = ended.time(), due.time(), confirmed.ptr()
		out = append(out, &e)
	}
	return out, dbError("processor ends", rows.Err())
}

func (t *tx) ConfirmProcessorDeletion(ctx context.Context, tenantID, id string, at time.Time) error {
	res, err := t.exec(ctx, `UPDATE processor_ends SET confirmed_at = ? WHERE tenant_id = ? AND id = ? AND confirmed_at IS NULL`, nanos(at), tenantID, id)
	if err != nil {
		return dbError("confirm processor deletion", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return dbError("confirm processor deletion", err)
	} else if n == 1 {
		return nil
	}
	var one int
	err = t.queryRow(ctx, `SELECT 1 FROM processor_ends WHERE tenant_id = ? AND id = ?`, tenantID, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("processor end")
	}
	if err != nil {
		return dbError("confirm processor deletion", err)
	}
	return privet.Errorf(privet.ECONFLICT, "the deletion is confirmed already")
}
