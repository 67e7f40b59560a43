// Package vault keeps personal data: subjects, their identities and their
// records, sealed under each subject's own data key, found through a blind
// index, read only for a declared purpose, and erased by destroying the key.
// Every touch writes an audit event in the same transaction as the data, so
// there is no data operation without its audit record.
package vault

import (
	"context"
	"log/slog"
	"sync"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/crypto"
	"github.com/privet-dev/privet/policy"
)

// Limits on what one subject may hold. They keep a single request from
// exhausting memory and make oversized input a clear 413 instead of a crash.
const (
	MaxFieldValueBytes = 64 << 10
	MaxFields          = 256
	MaxIdentities      = 32
	maxFieldNameBytes  = 100
)

// Policies gives the policy in force for a tenant.
type Policies interface {
	Policy(ctx context.Context, tenantID string) (*policy.Compiled, error)
}

// StaticPolicy serves one policy to every tenant: the single-policy server.
type StaticPolicy struct{ Compiled *policy.Compiled }

// Policy returns the one policy.
func (p StaticPolicy) Policy(context.Context, string) (*policy.Compiled, error) {
	if p.Compiled == nil {
		return nil, privet.Errorf(privet.EUNAVAILABLE, "no policy is loaded")
	}
	return p.Compiled, nil
}

// Service is the vault.
type Service struct {
	Store    privet.Store
	Keys     privet.DataKeyStore
	Master   *crypto.Master
	Policies Policies
	Clock    privet.Clock
	Logger   *slog.Logger
	// ReloadMaster re-reads the master keyset, so a version added by a
	// rotation in another process opens here too. Optional.
	ReloadMaster func() error
	// Created, when set, runs in the transaction that stores a new subject,
	// so what a creation starts (retention's rules triggered by collection)
	// commits with it or not at all.
	Created func(ctx context.Context, tx privet.Tx, pol *policy.Compiled, sub *privet.Subject) error
	// Changed, when set, hears of every change to a subject's status,
	// jurisdiction or age, so caches of them (consent decisions) stay true.
	Changed func(tenantID, subjectID string)
	// KeyPoolSize is how many data keys, each with its subject id, are made
	// and committed ahead per tenant, so a create waits for one commit
	// instead of two. 0 makes every key at create time. Call StopKeyPool at
	// shutdown to destroy the unused ones.
	KeyPoolSize int

	keys     keyCache
	poolOnce sync.Once
	keyPool  *keyPool
}

func (s *Service) now() privet.Clock { return privet.ClockOr(s.Clock) }

func (s *Service) logger() *slog.Logger { return privet.LoggerOr(s.Logger) }

// changed tells the Changed hook, if any, that a subject changed.
func (s *Service) changed(tenantID, subjectID string) {
	if s.Changed != nil {
		s.Changed(tenantID, subjectID)
	}
}
