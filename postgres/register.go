package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/privet-dev/privet"
)

func (t *tx) CreateAuthorityDisclosure(ctx context.Context, d *privet.AuthorityDisclosure) error {
	return t.savepoint(ctx, func(q pgx.Tx) error {
		_, err := q.Exec(ctx, `INSERT INTO authority_disclosures (tenant_id, id, subject_id, recipient, legal_basis, reference,
			categories, disclosed_at, gag, notice, notice_sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			d.TenantID, d.ID, d.SubjectID, d.Recipient, d.LegalBasis, d.Reference, strings.Join(d.Categories, ","),
			ts(d.DisclosedAt), d.Gag, string(d.Notice), tsPtr(d.NoticeSentAt))
		switch {
		case isUnique(err):
			return privet.Errorf(privet.ECONFLICT, "disclosure already exists")
		case isForeignKey(err):
			return notFound("tenant or subject")
		}
		return dbError("create authority disclosure", err)
	})
}

const authorityColumns = `tenant_id, id, subject_id, recipient, legal_basis, reference, categories, disclosed_at, gag, notice, notice_sent_at`

func scanAuthority(row pgx.Row) (*privet.AuthorityDisclosure, error) {
	var d privet.AuthorityDisclosure
	var cats, notice string
	var disclosed, sent *time.Time
	if err := row.Scan(&d.TenantID, &d.ID, &d.SubjectID, &d.Recipient, &d.LegalBasis, &d.Reference, &cats,
		&disclosed, &d.Gag, &notice, &sent); err != nil {
		return nil, err
	}
	if cats != "" {
		d.Categories = strings.Split(cats, ",")
	}
	d.Notice, d.DisclosedAt, d.NoticeSentAt = privet.NoticeStatus(notice), fromTS(disclosed), fromTSPtr(sent)
	return &d, nil
}

func (t *tx) AuthorityDisclosure(ctx context.Context, tenantID, id string) (*privet.AuthorityDisclosure, error) {
	d, err := scanAuthority(t.q.QueryRow(ctx, `SELECT `+authorityColumns+` FROM authority_disclosures WHERE tenant_id = $1 AND id = $2`+t.forUpdate(), tenantID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("authority disclosure")
	}
	if err != nil {
		return nil, dbError("authority disclosure", err)
	}
	return d, nil
}

func (t *tx) AuthorityDisclosures(ctx context.Context, tenantID, subjectID string) ([]*privet.AuthorityDisclosure, error) {
	rows, err := t.q.Query(ctx, `SELECT `+authorityColumns+` FROM authority_disclosures WHERE tenant_id = $1 AND subject_id = $2
		ORDER BY disclosed_at, id LIMIT 1000`, tenantID, subjectID)
	if err != nil {
		return nil, dbError("authority disclosures", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*privet.AuthorityDisclosure, error) { return scanAuthority(r) })
	return out, dbError("authority disclosures", err)
}

func (t *tx) UpdateAuthorityNotice(ctx context.Context, d *privet.AuthorityDisclosure) error {
	tag, err := t.exec(ctx, `UPDATE authority_disclosures SET gag = $1, notice = $2, notice_sent_at = $3 WHERE tenant_id = $4 AND id = $5`,
		d.Gag, string(d.Notice), tsPtr(d.NoticeSentAt), d.TenantID, d.ID)
	return oneRow("update authority notice", "authority disclosure", tag, err)
}

func (t *tx) CreateProcessorEnd(ctx context.Context, e *privet.ProcessorEnd) error {
	return t.savepoint(ctx, func(q pgx.Tx) error {
		_, err := q.Exec(ctx, `INSERT INTO processor_ends (tenant_id, id, recipient, reference, ended_at, deletion_due, confirmed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.TenantID, e.ID, e.Recipient, e.Reference, ts(e.EndedAt), ts(e.DeletionDue), tsPtr(e.ConfirmedAt))
		switch {
		case isUnique(err):
			return privet.Errorf(privet.ECONFLICT, "record already exists")
		case isForeignKey(err):
			return notFound("tenant")
		}
		return dbError("create processor end", err)
	})
}

func (t *tx) ProcessorEnds(ctx context.Context, tenantID string, outstanding bool) ([]*privet.ProcessorEnd, error) {
	q := `SELECT tenant_id, id, recipient, reference, ended_at, deletion_due, confirmed_at FROM processor_ends WHERE tenant_id = $1`
	if outstanding {
		q += ` AND confirmed_at IS NULL`
	}
	rows, err := t.q.Query(ctx, q+` ORDER BY deletion_due, id LIMIT 1000`, tenantID)
	if err != nil {
		return nil, dbError("processor ends", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*privet.ProcessorEnd, error) {
		var e privet.ProcessorEnd
		var ended, due, confirmed *time.Time
		if err := r.Scan(&e.TenantID, &e.ID, &e.Recipient, &e.Reference, &ended, &due, &confirmed); err != nil {
			return nil, err
		}
		e.EndedAt, e.DeletionDue, e.ConfirmedAt = fromTS(ended), fromTS(due), fromTSPtr(confirmed)
		return &e, nil
	})
	return out, dbError("processor ends", err)
}

func (t *tx) ConfirmProcessorDeletion(ctx context.Context, tenantID, id string, at time.Time) error {
	tag, err := t.exec(ctx, `UPDATE processor_ends SET confirmed_at = $1 WHERE tenant_id = $2 AND id = $3 AND confirmed_at IS NULL`, ts(at), tenantID, id)
	if err != nil {
		return dbError("confirm processor deletion", err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var one int
	err = t.q.QueryRow(ctx, `SELECT 1 FROM processor_ends WHERE tenant_id = $1 AND id = $2`, tenantID, id).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return notFound("processor end")
	}
	if err != nil {
		return dbError("confirm processor deletion", err)
	}
	return privet.Errorf(privet.ECONFLICT, "the deletion is confirmed already")
}
