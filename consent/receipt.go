package consent

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
	"github.com/privet-dev/privet/policy"
)

// ReceiptVersion is the Kantara Initiative Consent Receipt specification
// version the receipts follow.
const ReceiptVersion = "KI-CR-v1.1.0"

// receiptLanguage is the language of the receipt's free text: the policy's
// descriptions, which privet does not translate.
const receiptLanguage = "en"

// Receipt is a consent receipt in the fields of the Kantara Initiative
// Consent Receipt Specification v1.1. ConsentState is an addition: the
// specification only describes a consent given, and privet issues a receipt
// for a withdrawal too, which a reader must be able to tell apart.
type Receipt struct {
	Version          string `json:"version"`
	Jurisdiction     string `json:"jurisdiction"`
	ConsentTimestamp int64  `json:"consentTimestamp"` // seconds since the Unix epoch
	CollectionMethod string `json:"collectionMethod"`
	ConsentReceiptID string `json:"consentReceiptID"`
	// PublicKey is the tenant's Ed25519 public key, base64url without padding.
	PublicKey string `json:"publicKey"`
	Language  string `json:"language"`
	// PiiPrincipalID is pseudonymous: the subject id, or for a visitor not
	// yet known the hex of its cookie id's blind index.
	PiiPrincipalID string           `json:"piiPrincipalId"`
	PiiControllers []PiiController  `json:"piiControllers"`
	PolicyURL      string           `json:"policyUrl"`
	Services       []ReceiptService `json:"services"`
	Sensitive      bool             `json:"sensitive"`
	SpiCat         []string         `json:"spiCat"`
	ConsentState   string           `json:"consentState"`
}

// PiiController is the controller as the policy names it.
type PiiController struct {
	PiiController string `json:"piiController"`
	Contact       string `json:"contact"`
	Address       string `json:"address"`
	Email         string `json:"email"`
	Phone         string `json:"phone"`
	URL           string `json:"piiControllerUrl,omitempty"`
}

// ReceiptService is the service the consent is for.
type ReceiptService struct {
	Service  string           `json:"service"`
	Purposes []ReceiptPurpose `json:"purposes"`
}

// ReceiptPurpose is the purpose consented to, with what it reads and who
// receives it.
type ReceiptPurpose struct {
	Purpose              string   `json:"purpose"`
	PurposeCategory      []string `json:"purposeCategory"`
	ConsentType          string   `json:"consentType"`
	PiiCategory          []string `json:"piiCategory"`
	PrimaryPurpose       bool     `json:"primaryPurpose"`
	Termination          string   `json:"termination"`
	ThirdPartyDisclosure bool     `json:"thirdPartyDisclosure"`
	ThirdPartyName       string   `json:"thirdPartyName,omitempty"`
}

// SignedReceipt is a receipt and its compact JWS, whose payload is the
// receipt's JSON: the JWS is the proof, Receipt a convenience to read.
type SignedReceipt struct {
	JWS     string   `json:"jws"`
	Receipt *Receipt `json:"receipt"`
}

// Receipt builds and signs the receipt of one consent event of the tenant,
// from the event and the policy in force. ENOTFOUND for no such event (or
// another tenant's), EINVALID for an event that is neither given nor
// withdrawn.
func (s *Service) Receipt(ctx context.Context, tenantID, eventID string) (*SignedReceipt, error) {
	pol, err := s.Policies.Policy(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	var ev *privet.ConsentEvent
	var tenant *privet.Tenant
	err = s.Store.View(ctx, func(tx privet.Tx) error {
		var err error
		if tenant, err = tx.Tenant(ctx, tenantID); err != nil {
			return err
		}
		ev, err = findEvent(ctx, tx, tenantID, eventID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(tenant.SigningKey) == 0 || len(tenant.SigningPublicKey) != ed25519.PublicKeySize {
		return nil, privet.Errorf(privet.EINVALID, "the tenant has no signing key")
	}
	r, err := BuildReceipt(ev, pol, tenant.SigningPublicKey)
	if err != nil {
		return nil, err
	}
	priv, err := s.Master.Signer(tenantID, tenant.SigningKey)
	if err != nil {
		return nil, err
	}
	defer clear(priv)
	payload, err := json.Marshal(r)
	if err != nil {
		return nil, privet.Errorf(privet.EINTERNAL, "cannot encode the receipt")
	}
	jws, err := crypto.SignJWS(priv, tenantID, payload)
	if err != nil {
		return nil, err
	}
	return &SignedReceipt{JWS: jws, Receipt: r}, nil
}

// BuildReceipt describes ev in the receipt's fields. EINVALID for an event
// that is neither given nor withdrawn, or names no purpose the policy
// declares.
func BuildReceipt(ev *privet.ConsentEvent, pol *policy.Compiled, publicKey ed25519.PublicKey) (*Receipt, error) {
	if ev.State != privet.StateGiven && ev.State != privet.StateWithdrawn {
		return nil, privet.Errorf(privet.EINVALID, "no receipt for state %s", ev.State)
	}
	pu, ok := pol.Purpose(ev.Purpose)
	if !ok {
		return nil, privet.Errorf(privet.EINVALID, "the policy in force declares no such purpose")
	}
	principal := ev.SubjectID
	if principal == "" {
		principal = "visitor:" + hex.EncodeToString(ev.Visitor)
	}
	c := pol.Policy.Controller
	contact := c.Name
	if c.DPO != nil && c.DPO.Name != "" {
		contact = c.DPO.Name
	}
	var recipients []string
	for _, rc := range pol.Policy.Recipients {
		if slices.Contains(rc.Purposes, pu.Key) {
			recipients = append(recipients, rc.Name)
		}
	}
	spi := []string{}
	for _, cat := range pu.Categories {
		if pol.Sensitive(cat) {
			spi = append(spi, cat)
		}
	}
	mechanism := pol.Mechanism(pu.Key, ev.Jurisdiction)
	return &Receipt{
		Version:          ReceiptVersion,
		Jurisdiction:     ev.Jurisdiction,
		ConsentTimestamp: ev.Time.Unix(),
		CollectionMethod: string(ev.Source),
		ConsentReceiptID: ev.ID,
		PublicKey:        base64.RawURLEncoding.EncodeToString(publicKey),
		Language:         receiptLanguage,
		PiiPrincipalID:   principal,
		PiiControllers: []PiiController{{
			PiiController: c.Name, Contact: contact, Address: c.Address, Email: c.Email, Phone: c.Phone, URL: c.URL,
		}},
		PolicyURL: c.URL,
		Services: []ReceiptService{{
			Service: pol.Policy.Service,
			Purposes: []ReceiptPurpose{{
				Purpose:         pu.Description,
				PurposeCategory: []string{pu.Key},
				ConsentType:     consentType(mechanism),
				PiiCategory:     slices.Clone(pu.Categories),
				// A purpose that needs a choice is never what the service
				// is for: the service works without it.
				PrimaryPurpose:       mechanism == policy.Notice,
				Termination:          termination(pu),
				ThirdPartyDisclosure: len(recipients) > 0,
				ThirdPartyName:       strings.Join(recipients, ", "),
			}},
		}},
		Sensitive:    len(spi) > 0,
		SpiCat:       spi,
		ConsentState: string(ev.State),
	}, nil
}

// consentType names the mechanism as the specification does: an opt-in is
// explicit, an opt-out or a notice implied by the person's action.
func consentType(mechanism string) string {
	if mechanism == policy.OptIn {
		return "EXPLICIT"
	}
	return "IMPLICIT"
}

// termination says how the consent ends: by withdrawal through the channels
// the policy offers, and by lapsing after its renewal period.
func termination(pu *policy.Purpose) string {
	parts := []string{}
	if len(pu.Withdraw) > 0 {
		parts = append(parts, "withdrawn at any time via "+strings.Join(pu.Withdraw, ", "))
	}
	if pu.Renewal != "" {
		parts = append(parts, "lapses after "+pu.Renewal+" unless renewed")
	}
	if len(parts) == 0 {
		return "withdrawn at any time"
	}
	return strings.Join(parts, "; ")
}

// VerifyReceipt checks a receipt's JWS against the tenant's public key and
// returns the receipt. EUNAUTHORIZED when the signature does not verify or
// the JWS names another tenant's key; EINVALID when the payload is no receipt.
func VerifyReceipt(pub ed25519.PublicKey, tenantID, jws string) (*Receipt, error) {
	payload, kid, err := crypto.VerifyJWS(pub, strings.TrimSpace(jws))
	if err != nil {
		return nil, err
	}
	if kid != tenantID {
		return nil, privet.Errorf(privet.EUNAUTHORIZED, "the receipt was signed for another tenant")
	}
	var r Receipt
	if err := json.Unmarshal(payload, &r); err != nil || r.Version != ReceiptVersion || r.ConsentReceiptID == "" {
		return nil, privet.Errorf(privet.EINVALID, "the signed payload is not a consent receipt")
	}
	return &r, nil
}

// findEvent returns the tenant's event with id; another tenant's is not found.
func findEvent(ctx context.Context, tx privet.Tx, tenantID, id string) (*privet.ConsentEvent, error) {
	ev, err := tx.ConsentEvent(ctx, tenantID, id)
	if errors.Is(err, privet.ErrNotFound) {
		return nil, privet.Errorf(privet.ENOTFOUND, "consent event not found")
	}
	return ev, err
}
