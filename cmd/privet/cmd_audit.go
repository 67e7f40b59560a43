package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/privet-dev/privet"
)

func (a *app) auditCommand() *cobra.Command {
	var tenantID string
	cmd := &cobra.Command{Use: "audit", Short: "Verify and sign the tamper-evident audit log", Args: noArgs}
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Check the hash chain and signed checkpoints; name the first bad event (exit 1 if any)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withMain(cmd, func(ctx context.Context, m *Main) error {
				r, err := m.Audit.Verify(ctx, tenantID)
				if err != nil {
					return err
				}
				if !r.OK {
					return privet.Errorf(privet.EINTEGRITY, "audit log of %s fails at event %d: %s", tenantID, r.FirstBadSeq, r.Problem)
				}
				msg := fmt.Sprintf("audit log of %s verified: %d events, %d signed checkpoints", tenantID, r.Events, r.Checkpoints)
				if r.FirstSeq > 1 {
					msg += fmt.Sprintf("; events before %d deleted by retention up to a signed checkpoint", r.FirstSeq)
				}
				_, err = fmt.Fprintln(a.out, msg)
				return err
			})
		},
	}
	checkpoint := &cobra.Command{
		Use:   "checkpoint",
		Short: "Sign the audit log's head now (the server does this hourly)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withMain(cmd, func(ctx context.Context, m *Main) error {
				cp, err := m.Audit.Checkpoint(ctx, tenantID)
				if err != nil {
					return err
				}
				return json.NewEncoder(a.out).Encode(cp)
			})
		},
	}
	for _, c := range []*cobra.Command{verify, checkpoint} {
		tenantFlag(c, &tenantID)
	}
	cmd.AddCommand(verify, checkpoint)
	return cmd
}

// tenantFlag adds the required --tenant flag to a command.
func tenantFlag(cmd *cobra.Command, id *string) {
	cmd.Flags().StringVar(id, "tenant", "", "tenant id (required)")
	_ = cmd.MarkFlagRequired("tenant")
}
