// Package consent keeps the consent ledger and answers the question every
// data use asks: may purpose P be used for this person now? Choices are
// appended as events, never changed; decisions come from an in-memory index
// of the latest choice per person and purpose, filled from the ledger at
// start, updated on every write, and, on PostgreSQL, kept in step with the
// other servers through notifications.
package consent

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
	"github.com/privet-dev/privet/identity"
	"github.com/privet-dev/privet/policy"
)

// MaxBatch is the most subject ids one batch decision takes: a mailing list.
const MaxBatch = 100_000

// DefaultProfileTTL is how long a subject's jurisdiction, status and age band
// are trusted from memory before they are read again: the vault changes them
// without telling this service, so the TTL bounds how stale they can be.
const DefaultProfileTTL = 30 * time.Second

// Policies gives the policy in force for a tenant (vault.StaticPolicy fits).
type Policies interface {
	Policy(ctx context.Context, tenantID string) (*policy.Compiled, error)
}

// Follower is a store that reports consent events committed by any server.
// fn(0) means "notifications may have been missed: catch up by reading".
type Follower interface {
	FollowConsent(ctx context.Context, fn func(seq int64)) error
}

// Service is the consent ledger and decision service.
type Service struct {
	Store    privet.Store
	Master   *crypto.Master
	Policies Policies
	Clock    privet.Clock
	Logger   *slog.Logger
	// ProfileTTL overrides DefaultProfileTTL.
	ProfileTTL time.Duration
	// LoadRetry overrides DefaultLoadRetry.
	LoadRetry time.Duration

	mem        memory
	loadMu     sync.Mutex
	background atomic.Bool // LoadInBackground was called
	bgMu       sync.Mutex  // guards stopLoad and loadDone
	stopLoad   context.CancelFunc
	loadDone   chan struct{}
	signalMu   sync.Mutex
	stop       context.CancelFunc
	followed   chan struct{}
}

func (s *Service) now() time.Time { return privet.ClockOr(s.Clock).Now() }

func (s *Service) logger() *slog.Logger { return privet.LoggerOr(s.Logger) }

func (s *Service) profileTTL() time.Duration {
	if s.ProfileTTL > 0 {
		return s.ProfileTTL
	}
	return DefaultProfileTTL
}

// Party names whose choice is asked or recorded: a known subject, or a
// visitor by the cookie id the banner gave it.
type Party struct {
	SubjectID string `json:"subject_id,omitempty"`
	CookieID  string `json:"cookie_id,omitempty"`
}

// visitorIndex returns the blind index of the party's cookie id, nil for none.
func (s *Service) visitorIndex(tenantID, cookieID string) ([]byte, error) {
	if cookieID == "" {
		return nil, nil
	}
	v, err := identity.NormalizeCookieID(cookieID)
	if err != nil {
		return nil, privet.FieldError("cookie_id", "invalid cookie id")
	}
	return s.Master.BlindIndex(tenantID, string(privet.IdentityCookieID), v), nil
}
