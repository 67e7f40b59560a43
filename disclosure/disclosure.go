// Package disclosure keeps two registers of data that left the service
// outside the routine transfer check: disclosures to courts, law enforcement
// and other authorities, with the notice the person is owed unless the law
// forbids it (a gag); and the end of a processor's entrustment, with the date
// by which the processor must confirm it deleted what it held.
//
// A notice is sent by a durable job (NoticeJob) enqueued in the same
// transaction as the disclosure or the lifting of its gag; the job carries
// ids only, and the person's address is looked up when it runs. The notice
// goes by email, else by text message to a person known by phone alone
// (notify.Reacher); a person with neither is recorded as no_address.
package disclosure

import (
	"context"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/notify"
	"github.com/privet-dev/privet/policy"
)

// Audit actions.
const (
	ActionAuthority       = "authority.disclose"
	ActionLiftGag         = "authority.lift_gag"
	ActionNotice          = "authority.notice"
	ActionEntrustmentEnd  = "processor.end"
	ActionDeletionConfirm = "processor.confirm_deletion"
)

// Policies gives the policy in force for a tenant (vault.StaticPolicy fits).
type Policies interface {
	Policy(ctx context.Context, tenantID string) (*policy.Compiled, error)
}

// Notice is what a notice about a disclosure to an authority says.
type Notice struct {
	Service       string // the service's name, as people know it
	Controller    string
	Authority     string // the recipient's name in the policy
	LegalBasis    string
	Reference     string
	Categories    []string
	DisclosedAt   time.Time
	PolicyContact string // the controller's privacy email
}

// Renderer turns a notice into a message: the email (subject and bodies)
// and its text message form (SMS); the service sets the recipient.
// TemplateRenderer writes it with the notify package's templates.
type Renderer interface {
	AuthorityNotice(ctx context.Context, n Notice) (notify.Message, error)
}

// Service keeps the registers.
type Service struct {
	Store    privet.Store
	Policies Policies
	Clock    privet.Clock
	// Reacher and Renderer send notices, by email or else by text message;
	// SendNotice answers EUNAVAILABLE while one is missing, so the job
	// retries.
	Reacher  *notify.Reacher
	Renderer Renderer
	// NoticePurpose is the purpose the person's email address and phone
	// number are read under; empty picks one by vault.NoticePurpose's rule.
	NoticePurpose string
}

func (s *Service) now() time.Time { return privet.ClockOr(s.Clock).Now() }

// NoticeJob sends the notice of one disclosure. Its arguments are ids only:
// River stores them in plaintext.
type NoticeJob struct {
	TenantID     string `json:"tenant_id"`
	DisclosureID string `json:"disclosure_id"`
}

// Kind names the job's worker.
func (NoticeJob) Kind() string { return "disclosure.notice" }

// coveredBy reports whether key is one of list or falls under one of them.
func coveredBy(key string, list []string) bool {
	for _, k := range list {
		if key == k || (len(key) > len(k) && key[:len(k)] == k && key[len(k)] == '.') {
			return true
		}
	}
	return false
}
