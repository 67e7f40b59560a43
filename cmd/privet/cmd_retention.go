package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/retention"
	"github.com/privet-dev/privet/tenancy"
)

// retentionCommand shows and runs retention (needs --policy or --demo).
func (a *app) retentionCommand() *cobra.Command {
	var (
		tenantID, subjectID, before string
		limit                       int
	)
	cmd := &cobra.Command{Use: "retention", Short: "Show what retention will do, or sweep now (needs --policy or --demo)", Args: noArgs}
	plan := &cobra.Command{
		Use:   "plan",
		Short: "Print what will happen to which subject's data, and when, and which of privet's own records are due; changes nothing",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := privet.RetentionFilter{SubjectID: subjectID, Limit: 1000}
			if before != "" {
				t, err := time.Parse(time.DateOnly, before)
				if err != nil {
					return &usageError{privet.FieldError("before", "want a date as YYYY-MM-DD")}
				}
				f.Before = t
			}
			return a.withPolicy(cmd, func(ctx context.Context, m *Main) error {
				tw := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "DUE\tSUBJECT\tRULE\tACTION\tHELD BY")
				shown := 0
				for limit <= 0 || shown < limit {
					page, err := m.Retention.Plan(ctx, tenantID, f)
					if err != nil {
						return err
					}
					for _, it := range page.Items {
						if limit > 0 && shown == limit {
							break
						}
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", it.DueAt.Format(time.DateOnly), it.SubjectID, it.RuleKey, it.Action, it.HoldID)
						shown++
					}
					if page.Next == nil {
						break
					}
					f.After = *page.Next
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				// Records privet keeps itself, swept tenant-wide: how many a
				// sweep would act on now.
				recs, err := m.Retention.PlanRecords(ctx, tenantID)
				if err != nil || len(recs) == 0 {
					return err
				}
				fmt.Fprintln(a.out)
				fmt.Fprintln(tw, "RECORDS	RULE	ACTION	DUE NOW	FROM BEFORE	THROUGH EVENT")
				for _, r := range recs {
					through := ""
					if r.ThroughSeq > 0 {
						through = fmt.Sprint(r.ThroughSeq)
					}
					record := r.Record
					if r.Visitors {
						record += " of visitors"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", record, r.RuleKey, r.Action, r.Due, r.DueBefore.Format(time.DateOnly), through)
				}
				return tw.Flush()
			})
		},
	}
	tenantFlag(plan, &tenantID)
	plan.Flags().StringVar(&subjectID, "subject", "", "only this subject")
	plan.Flags().StringVar(&before, "before", "", "only items due by this date (YYYY-MM-DD)")
	plan.Flags().IntVar(&limit, "limit", 0, "print at most this many items (default all)")

	run := &cobra.Command{
		Use:   "run",
		Short: "Sweep now: act on every due item of every tenant and print the report",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withPolicy(cmd, func(ctx context.Context, m *Main) error {
				rep, err := m.Retention.Sweep(ctx, m.Retention.Clock.Now())
				if rep != nil {
					if perr := a.printJSON(rep); perr != nil {
						return perr
					}
				}
				return err
			})
		},
	}
	cmd.AddCommand(plan, run)
	return cmd
}

// holdsCommand places, lists and releases legal holds.
func (a *app) holdsCommand() *cobra.Command {
	var (
		tenantID, subjectID, category, reason, until string
		active                                       bool
	)
	cmd := &cobra.Command{Use: "holds", Short: "Place, list and release legal holds (needs --policy or --demo)", Args: noArgs}
	create := &cobra.Command{
		Use:   "create",
		Short: "Place a hold on a subject (--subject) or a data category (--category)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in := retention.HoldInput{SubjectID: subjectID, Category: category, Reason: reason}
			if until != "" {
				t, err := time.Parse(time.RFC3339, until)
				if err != nil {
					return &usageError{privet.FieldError("until", "want a time as RFC 3339, e.g. 2027-01-01T00:00:00Z")}
				}
				in.Until = &t
			}
			return a.withPolicy(cmd, func(ctx context.Context, m *Main) error {
				h, err := m.Retention.PlaceHold(ctx, tenancy.Operator(), tenantID, in)
				if err != nil {
					return err
				}
				return a.printJSON(h)
			})
		},
	}
	create.Flags().StringVar(&subjectID, "subject", "", "the subject to hold")
	create.Flags().StringVar(&category, "category", "", "the data category to hold, for every subject")
	create.Flags().StringVar(&reason, "reason", "", "why the data is kept (required; no personal data)")
	create.Flags().StringVar(&until, "until", "", "when the hold ends by itself (RFC 3339)")
	list := &cobra.Command{
		Use:   "list",
		Short: "List holds",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withPolicy(cmd, func(ctx context.Context, m *Main) error {
				f := privet.HoldFilter{SubjectID: subjectID, Limit: 1000}
				if active {
					f.ActiveAt = m.Retention.Clock.Now()
				}
				hs, err := m.Retention.Holds(ctx, tenantID, f)
				if err != nil {
					return err
				}
				return a.printJSON(hs)
			})
		},
	}
	list.Flags().BoolVar(&active, "active", false, "only holds in force now")
	list.Flags().StringVar(&subjectID, "subject", "", "only holds on this subject")
	release := &cobra.Command{
		Use:   "release ID",
		Short: "Release a hold",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withPolicy(cmd, func(ctx context.Context, m *Main) error {
				h, err := m.Retention.ReleaseHold(ctx, tenancy.Operator(), tenantID, args[0])
				if err != nil {
					return err
				}
				return a.printJSON(h)
			})
		},
	}
	for _, c := range []*cobra.Command{create, list, release} {
		tenantFlag(c, &tenantID)
	}
	cmd.AddCommand(create, list, release)
	return cmd
}

// windDownCommand ends the service for a tenant: the notice to every
// subject, then, after the notice period, everything deleted or anonymized.
func (a *app) windDownCommand() *cobra.Command {
	var tenantID, period string
	cmd := &cobra.Command{
		Use:   "wind-down",
		Short: "End the service: notify every subject, then delete or anonymize everything after the notice period",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withPolicy(cmd, func(ctx context.Context, m *Main) error {
				rep, err := m.Retention.WindDown(ctx, tenancy.Operator(), tenantID, period, m.Reach)
				if rep != nil {
					if perr := a.printJSON(rep); perr != nil {
						return perr
					}
				}
				return err
			})
		},
	}
	tenantFlag(cmd, &tenantID)
	cmd.Flags().StringVar(&period, "notice-period", "30d", "how long after the notice data goes")
	return cmd
}
