package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/resources"
	"github.com/privet-dev/privet/tenancy"
)

func (a *app) auditCommand() *cobra.Command {
	var tenantID string
	cmd := &cobra.Command{Use: "audit", Short: "Verify and sign the tamper-evident audit log; read a resource's access history", Args: noArgs}
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
	var q resources.HistoryQuery
	resource := &cobra.Command{
		Use:   "resource ID",
		Short: "A resource's access history (who viewed or edited a document, when), names read for --purpose",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withPolicy(cmd, func(ctx context.Context, m *Main) error {
				h, err := m.Resources.History(ctx, tenancy.Operator(), tenantID, args[0], q)
				if err != nil {
					return err
				}
				return a.printJSON(h)
			})
		},
	}
	resource.Flags().StringVar(&q.Purpose, "purpose", "", "the purpose the actors' names are read for (required)")
	resource.Flags().Int64Var(&q.After, "after", 0, "the next value of the previous page")
	resource.Flags().IntVar(&q.Limit, "limit", 0, "page size (default 100)")
	_ = resource.MarkFlagRequired("purpose")
	for _, c := range []*cobra.Command{verify, checkpoint, resource} {
		tenantFlag(c, &tenantID)
	}
	cmd.AddCommand(verify, checkpoint, resource)
	return cmd
}

// tenantFlag adds the required --tenant flag to a command.
func tenantFlag(cmd *cobra.Command, id *string) {
	cmd.Flags().StringVar(id, "tenant", "", "tenant id (required)")
	_ = cmd.MarkFlagRequired("tenant")
}
