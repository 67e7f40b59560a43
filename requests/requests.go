// Package requests runs data-subject requests (access, portability,
// rectification, erasure, restriction, objection, opt-outs, withdrawal of
// consent, right to know, Shine the Light, appeals) from intake and identity
// verification to the legal deadline and the answer.
//
// A request is filed by the company's app for a signed-in user (already
// verified) or by a person on the public intake with an email or phone,
// verified with a one-time code. Its deadline is the stricter of the law of
// the person's place and the policy's own promise. Every step that does work
// (execution, notification) is a durable job enqueued in the transaction of
// the state change that needs it; job arguments hold ids only, so River's
// plaintext job table never holds personal data.
package requests

import (
	"context"
	"log/slog"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/vault"
)

// Limits and lifetimes of the verification step.
const (
	CodeDigits   = 6
	CodeLifetime = 15 * time.Minute
	MaxAttempts  = 5
	// UnverifiedLifetime is how long a public request waits for its code
	// before it expires. A code lives 15 minutes; a new one may be asked
	// for within this time.
	UnverifiedLifetime = 24 * time.Hour
	// DefaultResponse is the deadline where neither the law nor the policy
	// sets one.
	DefaultResponse = 30 * 24 * time.Hour
	maxReasonBytes  = 500
)

// Notification templates. The notify package renders them; requests only
// names them.
const (
	TemplateReceived  = "request_received"
	TemplateVerify    = "request_verify"
	TemplateExtended  = "request_extended"
	TemplateCompleted = "request_completed"
	TemplateDenied    = "request_denied"
	TemplateRouted    = "request_routed"    // to the subject: who handles the request
	TemplateForwarded = "request_forwarded" // to the client a processor works for
	TemplateExpired   = "request_expired"
	TemplateFee       = "request_fee"    // to the subject: why a fee applies and its estimate, before any work
	TemplatePorted    = "request_ported" // to the controller a portability request names: the download link
)

// Templates lists every template, in the order above.
var Templates = []string{TemplateReceived, TemplateVerify, TemplateExtended, TemplateCompleted,
	TemplateDenied, TemplateRouted, TemplateForwarded, TemplateExpired, TemplateFee, TemplatePorted}

// Notice is one message about a request, handed to the Notifier at send
// time. It is built by the notification job, which unseals the contact then:
// the job's stored arguments are only the tenant, request and template.
type Notice struct {
	TenantID  string
	RequestID string
	// SubjectID is the matched subject, "" if none.
	SubjectID string
	Template  string
	// ContactType and Contact address the message: the public requester's
	// email or phone, or, for a request filed by the app, the empty string
	// (the app reaches its own user), or a client's privacy contact.
	ContactType privet.IdentityType
	Contact     string
	// Vars fill the template: the status link, the code, the due date, the
	// reasons of a denial, the appeal and complaint routes. The code and
	// the link are secrets: a Notifier must not log Vars.
	Vars map[string]string
}

// Notifier sends a notice (email, SMS). Send errors are retried by the job.
type Notifier interface {
	Notify(ctx context.Context, n Notice) error
}

// Packages builds the access package (the export) of a subject for a
// request. Build must be idempotent per request id: a rerun returns the
// package the first run built.
type Packages interface {
	Build(ctx context.Context, tenantID, subjectID, requestID string) (packageID string, expiresAt time.Time, err error)
}

// Hold is data an erasure must keep: a legal hold or a legal obligation.
type Hold struct {
	// Category is the data category kept; "*" keeps all of the subject's data.
	Category string
	// Reason says why, without personal data: a hold id, "legal_obligation".
	Reason string
}

// Holds says what of a subject's data is held and may not be erased.
type Holds interface {
	Held(ctx context.Context, tenantID, subjectID string) ([]Hold, error)
}

// Service runs data-subject requests.
type Service struct {
	Store privet.Store
	// Keys holds each public request's own data key (under the request id),
	// which seals its contact: destroying the key crypto-shreds the contact.
	Keys     privet.DataKeyStore
	Master   *crypto.Master
	Vault    *vault.Service
	Consent  ConsentRecorder
	Policies vault.Policies
	Clock    privet.Clock
	Notifier Notifier
	Packages Packages
	Holds    Holds
	// Sources are the data sources execution runs over; nil means the vault.
	Sources []privet.DataSource
	Logger  *slog.Logger
}

func (s *Service) now() time.Time { return privet.ClockOr(s.Clock).Now() }

func (s *Service) logger() *slog.Logger { return privet.LoggerOr(s.Logger) }

func (s *Service) policy(ctx context.Context, tenantID string) (*policy.Compiled, error) {
	return s.Policies.Policy(ctx, tenantID)
}

func (s *Service) sources() []privet.DataSource {
	if s.Sources != nil {
		return s.Sources
	}
	return []privet.DataSource{&VaultSource{Vault: s.Vault, Store: s.Store}}
}

// systemActor is the actor of work done by jobs.
var systemActor = privet.Actor{Type: privet.ActorSystem, ID: "requests"}
