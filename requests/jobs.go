package requests

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/consent"
)

// ConsentRecorder records consent events; *consent.Service is one.
type ConsentRecorder interface {
	Record(ctx context.Context, actor privet.Actor, tenantID string, in consent.RecordInput) (*privet.ConsentEvent, error)
}

// ExecuteJob runs a request that is in progress. Its arguments are ids only.
type ExecuteJob struct {
	TenantID  string `json:"tenant_id"`
	RequestID string `json:"request_id"`
}

// Kind names the worker.
func (ExecuteJob) Kind() string { return "requests.execute" }

// NotifyJob sends one notice about a request. Its arguments are ids and the
// template name: the worker unseals the contact when it sends.
type NotifyJob struct {
	TenantID  string `json:"tenant_id"`
	RequestID string `json:"request_id"`
	Template  string `json:"template"`
}

// Kind names the worker.
func (NotifyJob) Kind() string { return "requests.notify" }

// ExpireJob expires public requests never verified. It is periodic.
type ExpireJob struct{}

// Kind names the worker.
func (ExpireJob) Kind() string { return "requests.expire" }

// notify enqueues a notice in tx.
func notify(ctx context.Context, tx privet.Tx, r *privet.Request, template string) error {
	return tx.Enqueue(ctx, NotifyJob{TenantID: r.TenantID, RequestID: r.ID, Template: template})
}
