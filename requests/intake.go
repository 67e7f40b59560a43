package requests

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
	"github.com/privet-dev/privet/deadline"
	"github.com/privet-dev/privet/identity"
	"github.com/privet-dev/privet/jurisdiction"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/vault"
)

// Limits on intake input.
const (
	MaxPoints      = 5
	MaxCorrections = 50
	MaxPurposes    = 50
	MaxCategories  = 50
	maxNameBytes   = 200
)

// Controller is the controller a portability request's data is sent to: a
// name and an email address, never a URL privet would call.
type Controller struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// FileInput is a request the company's app files for its signed-in user,
// whose identity the app has verified.
type FileInput struct {
	SubjectID string `json:"subject_id"`
	Type      string `json:"type"`
	// Jurisdiction is where the person is; defaults to the subject's.
	Jurisdiction string `json:"jurisdiction,omitempty"`
	// Client is the client (a key of the policy's clients) that controls
	// the data the request is about: the request is referred to it.
	Client string `json:"client,omitempty"`
	// B2B marks business contact data of an employee acting in their job.
	B2B bool `json:"b2b,omitempty"`
	// Corrections are a rectification's new values by field name.
	Corrections map[string]string `json:"corrections,omitempty"`
	// Purposes narrow a withdrawal or objection; none means every purpose.
	Purposes []string `json:"purposes,omitempty"`
	// Confirmed says the person already confirmed an erasure in the app.
	Confirmed bool `json:"confirmed,omitempty"`
	// Categories limit an erasure to these data categories (and those
	// under them): the account and its other data stay.
	Categories []string `json:"categories,omitempty"`
	// SendTo is the controller a portability request's data is sent to.
	SendTo *Controller `json:"send_to,omitempty"`
}

// PublicInput is a request a person files on the public intake. Nothing in
// the answer depends on whether the person is known.
type PublicInput struct {
	Type         string `json:"type"`
	Jurisdiction string `json:"jurisdiction"`
	// Identity is the email or phone the code is sent to, and by which the
	// person is found once verified.
	Identity vault.IdentityInput `json:"identity"`
	// Points are further identifiers (another email, a phone, an account
	// id) that, matched to the same subject, raise the verification level.
	Points      []vault.IdentityInput `json:"points,omitempty"`
	Client      string                `json:"client,omitempty"`
	Corrections map[string]string     `json:"corrections,omitempty"`
	Purposes    []string              `json:"purposes,omitempty"`
	Categories  []string              `json:"categories,omitempty"`
	SendTo      *Controller           `json:"send_to,omitempty"`
}

// payload is what a request holds that is personal: sealed under the
// request's own data key, opened only to send a notice or to execute.
type payload struct {
	ContactType privet.IdentityType   `json:"contact_type,omitempty"`
	Contact     string                `json:"contact,omitempty"`
	Points      []vault.IdentityInput `json:"points,omitempty"`
	Corrections map[string]string     `json:"corrections,omitempty"`
	SendTo      *Controller           `json:"send_to,omitempty"`
}

const payloadField = "request:payload"

// Filed is a request as its filer sees it once: with the secret of its
// status link, which is never stored.
type Filed struct {
	Request     *privet.Request
	StatusToken string
}

// Available returns the request types a person in place may file under the
// policy: the law's rights plus what the policy grants, less the complaint
// (made to an authority, not to the company).
func Available(pol *policy.Compiled, place string) []string {
	var out []string
	for _, r := range pol.Rights(place) {
		if r != jurisdiction.RightComplaint {
			out = append(out, string(r))
		}
	}
	return out
}

func checkType(pol *policy.Compiled, place, typ string) error {
	avail := Available(pol, place)
	if !slices.Contains(avail, typ) {
		if !jurisdiction.Right(typ).Valid() {
			return privet.FieldError("type", "unknown request type; available here: %v", avail)
		}
		return privet.FieldError("type", "not available in %s; available here: %v", place, avail)
	}
	return nil
}

func checkPlace(field, place string) error {
	if !jurisdiction.ValidPlace(place) {
		return privet.FieldError(field, "must be an ISO 3166-1 country or ISO 3166-2 subdivision code, e.g. DE or US-CA")
	}
	return nil
}

// extras are what a request may carry beyond its type, as filed.
type extras struct {
	typ         string
	client      string
	corrections map[string]string
	purposes    []string
	categories  []string
	sendTo      *Controller
}

// check validates the extras against the policy and the request's type,
// and normalizes the receiving controller's email. Errors name the field.
func (x *extras) check(pol *policy.Compiled) error {
	if x.client != "" && !slices.ContainsFunc(pol.Policy.Clients, func(c policy.Client) bool { return c.Key == x.client }) {
		return privet.FieldError("client", "the policy names no such client")
	}
	if len(x.corrections) > MaxCorrections {
		return &privet.Error{Code: privet.ETOOLARGE, Field: "corrections", Message: fmt.Sprintf("at most %d corrections", MaxCorrections)}
	}
	for name, v := range x.corrections {
		if len(name) == 0 || len(name) > 100 {
			return privet.FieldError("corrections", "a field name is empty or too long")
		}
		if len(v) > vault.MaxFieldValueBytes {
			return &privet.Error{Code: privet.ETOOLARGE, Field: "corrections", Message: "a value is too large"}
		}
	}
	if x.typ == string(jurisdiction.RightRectification) && len(x.corrections) == 0 {
		return privet.FieldError("corrections", "a rectification names the fields to correct")
	}
	if len(x.purposes) > MaxPurposes {
		return &privet.Error{Code: privet.ETOOLARGE, Field: "purposes", Message: fmt.Sprintf("at most %d purposes", MaxPurposes)}
	}
	for i, p := range x.purposes {
		if _, ok := pol.Purpose(p); !ok {
			return privet.FieldError(fmt.Sprintf("purposes[%d]", i), "the policy declares no such purpose")
		}
	}
	if err := x.checkCategories(pol); err != nil {
		return err
	}
	return x.checkSendTo()
}

// checkCategories validates an erasure limited to categories: each one the
// policy collects, none that identifies the account (the account stays, so
// the identities that find it do), and a client named exactly when the
// categories are the data the policy's clients control.
func (x *extras) checkCategories(pol *policy.Compiled) error {
	if len(x.categories) == 0 {
		return nil
	}
	if x.typ != string(jurisdiction.RightErasure) {
		return privet.FieldError("categories", "only an erasure is limited to categories")
	}
	if len(x.categories) > MaxCategories {
		return &privet.Error{Code: privet.ETOOLARGE, Field: "categories", Message: fmt.Sprintf("at most %d categories", MaxCategories)}
	}
	clientControlled := true
	for i, k := range x.categories {
		field := fmt.Sprintf("categories[%d]", i)
		var declared []policy.Category
		for _, c := range pol.Policy.Categories {
			if under(c.Key, k) || under(k, c.Key) {
				declared = append(declared, c)
			}
		}
		if k == "" || len(declared) == 0 {
			return privet.FieldError(field, "the policy collects no such category")
		}
		for _, c := range identityCategories {
			if under(c, k) {
				return privet.FieldError(field, "identifies the account, which an erasure of some categories keeps: ask for the erasure of everything instead")
			}
		}
		for _, c := range declared {
			clientControlled = clientControlled && c.ClientControlled
		}
	}
	switch {
	case clientControlled && x.client == "":
		return privet.FieldError("client", "the categories are data a client controls: name the client, to whom the request is referred")
	case !clientControlled && x.client != "" && pol.Policy.Role != "processor":
		return privet.FieldError("categories", "some are not data the client controls: file them without a client")
	}
	return nil
}

// checkSendTo validates the controller a portability request is sent to.
func (x *extras) checkSendTo() error {
	if x.sendTo == nil {
		return nil
	}
	if x.typ != string(jurisdiction.RightPortability) {
		return privet.FieldError("send_to", "only a portability request is sent to another controller")
	}
	name := strings.TrimSpace(x.sendTo.Name)
	switch {
	case name == "":
		return privet.FieldError("send_to.name", "is required")
	case len(name) > maxNameBytes:
		return privet.FieldError("send_to.name", "has at most %d bytes", maxNameBytes)
	case strings.ContainsFunc(name, unicode.IsControl):
		return privet.FieldError("send_to.name", "must be one line of text")
	}
	email, err := identity.Normalize(privet.IdentityEmail, x.sendTo.Email)
	if err != nil {
		return privet.FieldError("send_to.email", "must be an email address")
	}
	x.sendTo = &Controller{Name: name, Email: email}
	return nil
}

// File files a request for a known, signed-in subject. A second open
// request of the same type by the subject returns the first.
func (s *Service) File(ctx context.Context, actor privet.Actor, tenantID string, in FileInput) (*Filed, error) {
	pol, err := s.policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	if in.SubjectID == "" {
		return nil, privet.FieldError("subject_id", "is required")
	}
	var sub *privet.Subject
	if err := s.Store.View(ctx, func(tx privet.Tx) (err error) {
		sub, err = tx.Subject(ctx, tenantID, in.SubjectID)
		return err
	}); err != nil {
		if errors.Is(err, privet.ErrNotFound) {
			return nil, privet.Errorf(privet.ENOTFOUND, "subject not found")
		}
		return nil, err
	}
	if sub.Status == privet.StatusErased {
		return nil, privet.Errorf(privet.ENOTFOUND, "subject not found")
	}
	place := in.Jurisdiction
	if place == "" {
		place = sub.Jurisdiction
	}
	if err := checkPlace("jurisdiction", place); err != nil {
		return nil, err
	}
	if err := checkType(pol, place, in.Type); err != nil {
		return nil, err
	}
	x := extras{typ: in.Type, client: in.Client, corrections: in.Corrections, purposes: in.Purposes,
		categories: in.Categories, sendTo: in.SendTo}
	if err := x.check(pol); err != nil {
		return nil, err
	}
	now := s.now()
	r := s.newRequest(pol, tenantID, place, in.Type, privet.ChannelAPI, now)
	r.SubjectID = sub.ID
	r.Verification = privet.RequestVerification{Level: LevelApp, VerifiedAt: &now}
	d := details{Client: in.Client, B2B: in.B2B, Purposes: in.Purposes, Confirmed: in.Confirmed,
		Categories: in.Categories, SendTo: x.sendTo != nil}
	var sealed *payload
	if len(in.Corrections) > 0 || x.sendTo != nil {
		sealed = &payload{Corrections: in.Corrections, SendTo: x.sendTo}
	}
	var existing *privet.Request
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		if err := s.sealPayload(ctx, r, sealed); err != nil {
			return err
		}
		err := tx.CreateRequest(ctx, r)
		if privet.ErrorCode(err) == privet.ECONFLICT {
			existing, err = tx.OpenRequest(ctx, tenantID, sub.ID, in.Type)
			return err
		}
		if err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, r, "request.create", ""); err != nil {
			return err
		}
		if err := notify(ctx, tx, r, TemplateReceived); err != nil {
			return err
		}
		return s.advance(ctx, tx, pol, r, &d)
	})
	if err != nil {
		s.dropKey(ctx, r)
		return nil, err
	}
	if existing != nil {
		s.dropKey(ctx, r)
		return &Filed{Request: existing, StatusToken: s.statusToken(existing)}, nil
	}
	return &Filed{Request: r, StatusToken: s.statusToken(r)}, nil
}

// FilePublic files a request from the public intake. It never looks the
// person up: matching happens after verification, so the answer and the
// work done are the same whether or not the person is known.
func (s *Service) FilePublic(ctx context.Context, tenantID string, in PublicInput) (*Filed, error) {
	pol, err := s.policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	if err := checkPlace("jurisdiction", in.Jurisdiction); err != nil {
		return nil, err
	}
	if err := checkType(pol, in.Jurisdiction, in.Type); err != nil {
		return nil, err
	}
	contact, err := normalizeContact("identity", in.Identity)
	if err != nil {
		return nil, err
	}
	if len(in.Points) > MaxPoints {
		return nil, &privet.Error{Code: privet.ETOOLARGE, Field: "points", Message: fmt.Sprintf("at most %d data points", MaxPoints)}
	}
	points := make([]vault.IdentityInput, 0, len(in.Points))
	for i, p := range in.Points {
		field := fmt.Sprintf("points[%d]", i)
		if !slices.Contains(privet.IdentityTypes, p.Type) {
			return nil, privet.FieldError(field+".type", "must be one of %v", privet.IdentityTypes)
		}
		v, err := identity.Normalize(p.Type, p.Value)
		if err != nil {
			return nil, privet.FieldError(field+".value", "invalid %s", p.Type)
		}
		points = append(points, vault.IdentityInput{Type: p.Type, Value: v})
	}
	x := extras{typ: in.Type, client: in.Client, corrections: in.Corrections, purposes: in.Purposes,
		categories: in.Categories, sendTo: in.SendTo}
	if err := x.check(pol); err != nil {
		return nil, err
	}
	now := s.now()
	r := s.newRequest(pol, tenantID, in.Jurisdiction, in.Type, privet.ChannelPublic, now)
	r.Status = privet.RequestPendingVerification
	r.ContactType = contact.Type
	writeDetails(r, details{Client: in.Client, Purposes: in.Purposes, Categories: in.Categories, SendTo: x.sendTo != nil})
	err = s.Store.Update(ctx, func(tx privet.Tx) error {
		if err := s.sealPayload(ctx, r, &payload{ContactType: contact.Type, Contact: contact.Value, Points: points,
			Corrections: in.Corrections, SendTo: x.sendTo}); err != nil {
			return err
		}
		if err := tx.CreateRequest(ctx, r); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, privet.Actor{Type: privet.ActorSubject, ID: r.ID}, r, "request.create", ""); err != nil {
			return err
		}
		// The code is made when the notice is sent, so it never rests in
		// plaintext in the job table.
		if err := notify(ctx, tx, r, TemplateVerify); err != nil {
			return err
		}
		return notify(ctx, tx, r, TemplateReceived)
	})
	if err != nil {
		s.dropKey(ctx, r)
		return nil, err
	}
	return &Filed{Request: r, StatusToken: s.statusToken(r)}, nil
}

// IdentityKey returns a key for rate-limiting public requests per identity:
// the hex blind index of the normalized identity, never the identity.
func (s *Service) IdentityKey(tenantID string, id vault.IdentityInput) (string, error) {
	n, err := normalizeContact("identity", id)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(s.Master.BlindIndex(tenantID, string(n.Type), n.Value)), nil
}

// normalizeContact accepts an email or a phone number, normalized.
func normalizeContact(field string, id vault.IdentityInput) (vault.IdentityInput, error) {
	if id.Type != privet.IdentityEmail && id.Type != privet.IdentityPhone {
		return id, privet.FieldError(field+".type", "must be email or phone")
	}
	v, err := identity.Normalize(id.Type, id.Value)
	if err != nil {
		return id, privet.FieldError(field+".value", "invalid %s", id.Type)
	}
	return vault.IdentityInput{Type: id.Type, Value: v}, nil
}

// newRequest builds an unsaved open request with its deadlines.
func (s *Service) newRequest(pol *policy.Compiled, tenantID, place, typ, channel string, now time.Time) *privet.Request {
	r := &privet.Request{
		ID: privet.NewID(privet.PrefixRequest), TenantID: tenantID, Type: typ, Jurisdiction: place,
		Status: privet.RequestOpen, Channel: channel, ReceivedAt: now, UpdatedAt: now,
	}
	r.DueAt, r.ReceiptDueAt = Deadlines(pol, place, typ, now)
	r.StatusTokenHash = tokenHash(s.statusToken(r))
	return r
}

// Deadlines returns when a request of typ from place received at received
// is due (the stricter of the law and the policy's promise; for opt-outs,
// the law's opt-out deadline when it is sooner) and when its receipt must be
// confirmed (nil where the law asks for no confirmation).
func Deadlines(pol *policy.Compiled, place, typ string, received time.Time) (due time.Time, receiptDue *time.Time) {
	if p := pol.ResponseDeadline(place, typ); !p.IsZero() {
		due = deadline.Add(received, p, nil)
	} else {
		due = received.Add(DefaultResponse)
	}
	law := pol.Law(place)
	if law == nil {
		return due, nil
	}
	if optOut(typ) {
		if !law.OptOutDeadline.IsZero() {
			if d := deadline.Add(received, law.OptOutDeadline, nil); d.Before(due) {
				due = d
			}
		}
		return due, nil
	}
	if !law.ReceiptConfirmation.IsZero() {
		d := deadline.Add(received, law.ReceiptConfirmation, nil)
		receiptDue = &d
	}
	return due, receiptDue
}

// optOut reports whether typ stops a use of data rather than asking for
// something: the laws give these their own, shorter deadline.
func optOut(typ string) bool {
	switch jurisdiction.Right(typ) {
	case jurisdiction.RightOptOutSale, jurisdiction.RightOptOutSharing, jurisdiction.RightOptOutTargetedAds, jurisdiction.RightLimitSensitive:
		return true
	}
	return false
}

// statusToken is the secret of a request's status link: a MAC of its id
// under a key derived from the master key. It is never stored (only its
// SHA-256 is), and the notification job can put it into a link again.
func (s *Service) statusToken(r *privet.Request) string {
	mac := crypto.MAC(s.Master.DeriveKey("privet/request-status/v1"), []byte(r.TenantID+"\x00"+r.ID))
	return base64.RawURLEncoding.EncodeToString(mac)
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// sealPayload creates the request's own data key and seals p under it; a
// nil p seals nothing.
func (s *Service) sealPayload(ctx context.Context, r *privet.Request, p *payload) error {
	if p == nil {
		return nil
	}
	key, wrapped, keyID, err := s.Master.NewDataKey(r.TenantID, r.ID)
	if err != nil {
		return err
	}
	if err := s.Keys.PutDataKey(ctx, &privet.DataKey{TenantID: r.TenantID, SubjectID: r.ID, Wrapped: wrapped, MasterKeyID: keyID, CreatedAt: r.ReceivedAt}); err != nil {
		return fmt.Errorf("store request key: %w", err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	r.SealedContact, err = key.Seal(b, crypto.FieldAAD(r.TenantID, r.ID, payloadField))
	return err
}

// openPayload opens a request's sealed payload. A request without one, or
// whose key was destroyed, has an empty payload.
func (s *Service) openPayload(ctx context.Context, r *privet.Request) (payload, error) {
	var p payload
	if len(r.SealedContact) == 0 {
		return p, nil
	}
	dk, err := s.Keys.DataKey(ctx, r.TenantID, r.ID)
	if errors.Is(err, privet.ErrNotFound) {
		return p, nil
	} else if err != nil {
		return p, err
	}
	key, err := s.Master.OpenDataKey(r.TenantID, r.ID, dk.Wrapped)
	if err != nil {
		return p, err
	}
	b, err := key.Open(r.SealedContact, crypto.FieldAAD(r.TenantID, r.ID, payloadField))
	if err != nil {
		return p, privet.Errorf(privet.EINTEGRITY, "a request's sealed data failed to open")
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, privet.Errorf(privet.EINTEGRITY, "a request's sealed data is malformed")
	}
	return p, nil
}

// dropKey destroys a request's data key: after a failed intake (the key
// store is apart from the data and does not roll back with it), or to
// crypto-shred the contact once the request is answered.
func (s *Service) dropKey(ctx context.Context, r *privet.Request) {
	if err := s.Keys.DeleteDataKey(context.WithoutCancel(ctx), r.TenantID, r.ID); err != nil {
		s.logger().WarnContext(ctx, "request key not destroyed", "request_id", r.ID, "code", privet.ErrorCode(err))
	}
}

// audit appends an audit event about a request in tx.
func (s *Service) audit(ctx context.Context, tx privet.Tx, actor privet.Actor, r *privet.Request, action, reason string) error {
	ev := actor.Event(r.TenantID, action, s.now())
	ev.SubjectID, ev.Reason = r.SubjectID, r.ID+" "+r.Type
	if reason != "" {
		ev.Reason += " " + reason
	}
	return tx.AppendAudit(ctx, ev)
}
