package vault

import (
	"context"
	"errors"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
	"github.com/privet-dev/privet/identity"
	"github.com/privet-dev/privet/policy"
)

// ReadOptions says why data is read and how it is shown.
type ReadOptions struct {
	// Purpose is the data use the read serves; the policy decides which
	// categories it may read. Required.
	Purpose string
	// Masked returns desensitized values (a***@example.com, ****1234) in the
	// policy's display format for each category.
	Masked bool
	// all reads every category, whatever the purpose may read: only
	// ForAccessRequest sets it.
	all bool
	// reason is the audit event's reason, for a read that has one.
	reason string
}

// Get reads a subject for a purpose: only the categories the policy lets the
// purpose read are decrypted and returned; the rest are named in Withheld.
// A restricted subject is readable only for purposes the policy allows under
// restriction. The read is audited before any data is returned.
func (s *Service) Get(ctx context.Context, actor privet.Actor, tenantID, id string, opt ReadOptions) (*SubjectView, error) {
	pol, err := s.readPolicy(ctx, tenantID, opt)
	if err != nil {
		return nil, err
	}
	var sub *privet.Subject
	if err := s.Store.View(ctx, func(tx privet.Tx) error {
		sub, err = tx.Subject(ctx, tenantID, id)
		return err
	}); err != nil {
		return nil, err
	}
	return s.read(ctx, actor, pol, sub, opt)
}

// Find reads the subject an identity belongs to, found through its blind
// index without decrypting anything. ENOTFOUND if no subject has it.
func (s *Service) Find(ctx context.Context, actor privet.Actor, tenantID string, id IdentityInput, opt ReadOptions) (*SubjectView, error) {
	pol, err := s.readPolicy(ctx, tenantID, opt)
	if err != nil {
		return nil, err
	}
	index, err := s.blindIndex(tenantID, id)
	if err != nil {
		return nil, err
	}
	// One read for the index lookup and the subject: a snapshot in which
	// the identity still names the subject.
	var sub *privet.Subject
	if f, ok := s.Store.(privet.SubjectFinder); ok {
		sub, err = f.FindSubject(ctx, tenantID, id.Type, index)
	} else {
		err = s.Store.View(ctx, func(tx privet.Tx) error {
			sub, err = tx.SubjectByIdentity(ctx, tenantID, id.Type, index)
			return err
		})
	}
	if errors.Is(err, privet.ErrNotFound) {
		return nil, privet.Errorf(privet.ENOTFOUND, "subject not found")
	}
	if err != nil {
		return nil, err
	}
	return s.read(ctx, actor, pol, sub, opt)
}

// Lookup returns the id of the subject an identity belongs to.
func (s *Service) Lookup(ctx context.Context, tenantID string, id IdentityInput) (string, error) {
	return s.lookup(ctx, tenantID, id)
}

// blindIndex normalizes an identity and returns its blind index.
func (s *Service) blindIndex(tenantID string, id IdentityInput) ([]byte, error) {
	v, err := identity.Normalize(id.Type, id.Value)
	if err != nil {
		return nil, privet.FieldError("identity", "invalid %s", id.Type)
	}
	return s.Master.BlindIndex(tenantID, string(id.Type), v), nil
}

func (s *Service) lookup(ctx context.Context, tenantID string, id IdentityInput) (string, error) {
	index, err := s.blindIndex(tenantID, id)
	if err != nil {
		return "", err
	}
	var subjectID string
	err = s.Store.View(ctx, func(tx privet.Tx) error {
		subjectID, err = tx.SubjectIDByIdentity(ctx, tenantID, id.Type, index)
		return err
	})
	if errors.Is(err, privet.ErrNotFound) {
		return "", privet.Errorf(privet.ENOTFOUND, "subject not found")
	}
	return subjectID, err
}

func (s *Service) readPolicy(ctx context.Context, tenantID string, opt ReadOptions) (*policy.Compiled, error) {
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	if opt.Purpose == "" {
		return nil, privet.FieldError("purpose", "is required: every read names the purpose it serves")
	}
	if _, ok := pol.Purpose(opt.Purpose); !ok {
		return nil, privet.FieldError("purpose", "the policy declares no purpose %q", opt.Purpose)
	}
	return pol, nil
}

// read decrypts what the purpose may read, audits the read, and only then
// returns the data. A ciphertext that fails to open is an integrity error,
// audited as such; nothing partial is returned.
func (s *Service) read(ctx context.Context, actor privet.Actor, pol *policy.Compiled, sub *privet.Subject, opt ReadOptions) (*SubjectView, error) {
	now := s.now().Now()
	ev := actor.Event(sub.TenantID, "subject.read", now)
	ev.SubjectID = sub.ID
	ev.Purpose = opt.Purpose
	ev.Reason = opt.reason

	if sub.Status == privet.StatusErased {
		return nil, privet.Errorf(privet.ENOTFOUND, "subject not found")
	}
	if sub.Status == privet.StatusRestricted && !opt.all && !pol.AllowedWhileRestricted(opt.Purpose) {
		ev.Result, ev.Reason = privet.ResultDenied, "restricted"
		if err := s.audit(ctx, ev); err != nil {
			return nil, err
		}
		return nil, privet.Errorf(privet.EFORBIDDEN, "processing of this subject is restricted; purpose %q is not allowed under restriction", opt.Purpose)
	}

	view, cats, err := s.decrypt(ctx, pol, sub, opt)
	if err != nil {
		if privet.ErrorCode(err) == privet.EINTEGRITY {
			ev.Result, ev.Reason = privet.ResultError, privet.EINTEGRITY
			if aerr := s.audit(ctx, ev); aerr != nil {
				return nil, aerr
			}
		}
		return nil, err
	}
	ev.Categories = cats
	if err := s.audit(ctx, ev); err != nil {
		return nil, err
	}
	return view, nil
}

// decrypt builds the view of sub for a purpose, returning the categories read.
func (s *Service) decrypt(ctx context.Context, pol *policy.Compiled, sub *privet.Subject, opt ReadOptions) (*SubjectView, []string, error) {
	seal, err := s.openSealer(ctx, sub.TenantID, sub.ID)
	if err != nil {
		return nil, nil, err
	}
	v := &SubjectView{
		ID: sub.ID, Jurisdiction: sub.Jurisdiction, Status: sub.Status, AgeBand: sub.AgeBand,
		CreatedAt: sub.CreatedAt, UpdatedAt: sub.UpdatedAt, LastActivityAt: sub.LastActivityAt,
		ClosedAt: sub.ClosedAt, ErasedAt: sub.ErasedAt, Identities: []IdentityView{}, Fields: []FieldView{}, Purpose: opt.Purpose,
	}
	read := map[string]bool{}
	show := func(category, value string) string {
		read[category] = true
		if opt.Masked {
			return crypto.Mask(pol.MaskFor(category), value)
		}
		return value
	}
	for _, id := range sub.Identities {
		cat := identityCategory(id.Type)
		if !opt.all && !pol.MayRead(opt.Purpose, cat) {
			v.Withheld = append(v.Withheld, "identity:"+string(id.Type))
			continue
		}
		value, err := seal.open(identityField(id.Type), id.Sealed)
		if err != nil {
			return nil, nil, err
		}
		v.Identities = append(v.Identities, IdentityView{Type: id.Type, Value: show(cat, value)})
	}
	const birthCategory = "user.demographic.date_of_birth"
	if sub.SealedBirthDate != nil {
		if opt.all || pol.MayRead(opt.Purpose, birthCategory) {
			value, err := seal.open(birthDateField, sub.SealedBirthDate)
			if err != nil {
				return nil, nil, err
			}
			v.BirthDate = show(birthCategory, value)
		} else {
			v.Withheld = append(v.Withheld, "birth_date")
		}
	}
	for _, f := range sub.Fields {
		if !opt.all && !pol.MayRead(opt.Purpose, f.Category) {
			v.Withheld = append(v.Withheld, f.Name)
			continue
		}
		value, err := seal.open(f.Name, f.Sealed)
		if err != nil {
			return nil, nil, err
		}
		v.Fields = append(v.Fields, FieldView{Name: f.Name, Category: f.Category, Value: show(f.Category, value),
			Sensitive: pol.Sensitive(f.Category), Masked: opt.Masked, UpdatedAt: f.UpdatedAt})
	}
	cats := make([]string, 0, len(read))
	for c := range read {
		cats = append(cats, c)
	}
	return v, sortedSet(cats), nil
}

// audit appends one event in its own transaction; an error means the
// operation it records must not proceed.
func (s *Service) audit(ctx context.Context, ev *privet.AuditEvent) error {
	return s.Store.Update(ctx, func(tx privet.Tx) error { return tx.AppendAudit(ctx, ev) })
}
