package api

import (
	"context"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/audit"
)

type auditVerifyOutput struct {
	Body *audit.Report
}

// auditVerify walks the tenant's hash chain and checkpoints.
func (s *Server) auditVerify(ctx context.Context, _ *struct{}) (*auditVerifyOutput, error) {
	r, err := s.cfg.Audit.Verify(ctx, TenantID(ctx))
	if err != nil {
		return nil, err
	}
	return &auditVerifyOutput{Body: r}, nil
}

type checkpointOutput struct {
	Body *privet.Checkpoint
}

// auditCheckpoint signs the tenant's chain head now.
func (s *Server) auditCheckpoint(ctx context.Context, _ *struct{}) (*checkpointOutput, error) {
	cp, err := s.cfg.Audit.Checkpoint(ctx, TenantID(ctx))
	if err != nil {
		return nil, err
	}
	return &checkpointOutput{Body: cp}, nil
}
