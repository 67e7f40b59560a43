package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/privet-dev/privet/disclosure"
	"github.com/privet-dev/privet/tenancy"
)

func (a *app) disclosuresCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "disclosures", Short: "Disclosures to authorities and the notice the person is owed (needs --policy or --demo)", Args: noArgs}
	var tenantID string
	var in disclosure.AuthorityInput
	authority := &cobra.Command{
		Use:   "authority",
		Short: "Record a disclosure to an authority; the person is told by a queued job unless --gag",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withPolicy(cmd, func(ctx context.Context, m *Main) error {
				d, err := m.Disclosures.DiscloseToAuthority(ctx, tenancy.Operator(), tenantID, in)
				if err != nil {
					return err
				}
				return a.printJSON(d)
			})
		},
	}
	f := authority.Flags()
	f.StringVar(&in.SubjectID, "subject", "", "subject id (required)")
	f.StringVar(&in.Recipient, "recipient", "", "the authority's recipient key in the policy (required)")
	f.StringVar(&in.LegalBasis, "legal-basis", "", "subpoena, court_order, warrant, statute or regulator_request (required)")
	f.StringVar(&in.Reference, "reference", "", "the order's case number")
	f.StringSliceVar(&in.Categories, "categories", nil, "data categories disclosed, comma-separated (required)")
	f.BoolVar(&in.Gag, "gag", false, "the law forbids telling the person")
	for _, name := range []string{"subject", "recipient", "legal-basis", "categories"} {
		_ = authority.MarkFlagRequired(name)
	}
	lift := &cobra.Command{
		Use:   "lift-gag ID",
		Short: "The law no longer forbids the notice: queue it",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withPolicy(cmd, func(ctx context.Context, m *Main) error {
				d, err := m.Disclosures.LiftGag(ctx, tenancy.Operator(), tenantID, args[0])
				if err != nil {
					return err
				}
				return a.printJSON(d)
			})
		},
	}
	for _, c := range []*cobra.Command{authority, lift} {
		tenantFlag(c, &tenantID)
	}
	cmd.AddCommand(authority, lift)
	return cmd
}

func (a *app) processorsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "processors", Short: "Ended processor entrustments and their deletion confirmations (needs --policy or --demo)", Args: noArgs}
	var tenantID, ended string
	var in disclosure.EndInput
	end := &cobra.Command{
		Use:   "end",
		Short: "Record that a processor's entrustment ended; its deletion confirmation falls due",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if ended != "" {
				t, err := time.Parse(time.RFC3339, ended)
				if err != nil {
					return &usageError{fmt.Errorf("--ended-at: want an RFC 3339 time")}
				}
				in.EndedAt = t
			}
			return a.withPolicy(cmd, func(ctx context.Context, m *Main) error {
				e, err := m.Disclosures.EndEntrustment(ctx, tenancy.Operator(), tenantID, in)
				if err != nil {
					return err
				}
				return a.printJSON(e)
			})
		},
	}
	end.Flags().StringVar(&in.Recipient, "recipient", "", "the processor's recipient key in the policy (required)")
	end.Flags().StringVar(&in.Reference, "reference", "", "the contract's reference")
	end.Flags().StringVar(&ended, "ended-at", "", "when the entrustment ended (RFC 3339); default now")
	end.Flags().StringVar(&in.DeletionWithin, "deletion-within", disclosure.DefaultDeletionWithin, "time to confirm deletion, e.g. 30d or 10bd")
	_ = end.MarkFlagRequired("recipient")
	var outstanding bool
	list := &cobra.Command{
		Use:   "list",
		Short: "Ended entrustments by deletion due date",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withPolicy(cmd, func(ctx context.Context, m *Main) error {
				es, err := m.Disclosures.ProcessorEnds(ctx, tenantID, outstanding)
				if err != nil {
					return err
				}
				for _, e := range es {
					state := "confirmed"
					switch {
					case e.ConfirmedAt == nil && e.Overdue:
						state = "OVERDUE"
					case e.ConfirmedAt == nil:
						state = "outstanding"
					}
					fmt.Fprintf(a.out, "%s  %s  due %s  %s\n", e.ID, e.Recipient, e.DeletionDue.Format(time.DateOnly), state)
				}
				return nil
			})
		},
	}
	list.Flags().BoolVar(&outstanding, "outstanding", false, "only unconfirmed deletions")
	confirm := &cobra.Command{
		Use:   "confirm ID",
		Short: "Record the processor's confirmation that it deleted the data",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withPolicy(cmd, func(ctx context.Context, m *Main) error {
				if err := m.Disclosures.ConfirmDeletion(ctx, tenancy.Operator(), tenantID, args[0]); err != nil {
					return err
				}
				_, err := fmt.Fprintf(a.out, "deletion confirmed: %s\n", args[0])
				return err
			})
		},
	}
	for _, c := range []*cobra.Command{end, list, confirm} {
		tenantFlag(c, &tenantID)
	}
	cmd.AddCommand(end, list, confirm)
	return cmd
}
