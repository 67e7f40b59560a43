package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/transfer"
)

func (a *app) transfersCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "transfers", Short: "Check disclosures to recipients against the policy (needs --policy or --demo)", Args: noArgs}
	cmd.AddCommand(a.transferCheckCommand(), a.transferReportCommand())
	return cmd
}

// withPolicy opens privet with the configured policy as the one of tenants
// that published none, so every service reads the policy in force.
func (a *app) withPolicy(cmd *cobra.Command, fn func(ctx context.Context, m *Main) error) error {
	return a.withMain(cmd, func(ctx context.Context, m *Main) error {
		if err := m.usePolicy(); err != nil {
			return err
		}
		return fn(ctx, m)
	})
}

func (a *app) transferCheckCommand() *cobra.Command {
	var (
		tenantID string
		in       transfer.CheckInput
	)
	cmd := &cobra.Command{
		Use:   "check",
		Short: "May the recipient receive these categories of the subject for the purpose now? (exit 1 if not)",
		Long: "check applies the policy's recipients register, its storage locations, the law where the subject is and,\n" +
			"where that law asks for separate consent to a transfer abroad, the consent ledger. An allowed check is\n" +
			"recorded in the audit log as a disclosure.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withPolicy(cmd, func(ctx context.Context, m *Main) error {
				d, err := m.Transfers.Check(ctx, tenancy.Operator(), tenantID, in)
				if err != nil {
					return err
				}
				if err := a.printJSON(d); err != nil {
					return err
				}
				if !d.Allowed {
					fmt.Fprintf(a.errOut, "privet: transfer refused: %s\n", d.Reason)
					return silentFailure{}
				}
				return nil
			})
		},
	}
	tenantFlag(cmd, &tenantID)
	f := cmd.Flags()
	f.StringVar(&in.SubjectID, "subject", "", "subject id (required)")
	f.StringVar(&in.Recipient, "recipient", "", "recipient key in the policy (required)")
	f.StringVar(&in.Purpose, "purpose", "", "purpose of the disclosure (required)")
	f.StringSliceVar(&in.Categories, "categories", nil, "data categories disclosed, comma-separated (required)")
	f.BoolVar(&in.DeIdentified, "de-identified", false, "the data sent is de-identified")
	for _, name := range []string{"subject", "recipient", "purpose", "categories"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

func (a *app) transferReportCommand() *cobra.Command {
	var tenantID, subjectID, kind string
	cmd := &cobra.Command{
		Use:   "report",
		Short: "A subject's recipients: the last 12 months (right to know) or Shine the Light (prior calendar year)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withPolicy(cmd, func(ctx context.Context, m *Main) error {
				r, err := m.Transfers.Report(ctx, tenantID, subjectID, kind)
				if err != nil {
					return err
				}
				return a.printJSON(r)
			})
		},
	}
	tenantFlag(cmd, &tenantID)
	cmd.Flags().StringVar(&subjectID, "subject", "", "subject id (required)")
	_ = cmd.MarkFlagRequired("subject")
	cmd.Flags().StringVar(&kind, "kind", transfer.ReportLast12Months, "last_12_months or shine_the_light")
	return cmd
}
