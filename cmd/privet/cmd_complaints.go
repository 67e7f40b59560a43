package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/complaint"
	"github.com/privet-dev/privet/tenancy"
)

func (a *app) complaintsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "complaints", Short: "The complaints register and its response clock (needs --policy or --demo)", Args: noArgs}
	var tenantID string

	var in complaint.CreateInput
	var received string
	create := &cobra.Command{
		Use:   "create",
		Short: "Register a complaint; its due date follows the policy's complaints.response",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if received != "" {
				t, err := time.Parse(time.RFC3339, received)
				if err != nil {
					return privet.FieldError("received-at", "want an RFC 3339 time, e.g. 2026-03-02T09:00:00Z")
				}
				in.ReceivedAt = t
			}
			return a.withPolicy(cmd, func(ctx context.Context, m *Main) error {
				c, err := m.Complaints.Create(ctx, tenancy.Operator(), tenantID, in)
				if err != nil {
					return err
				}
				return a.printJSON(c)
			})
		},
	}
	cf := create.Flags()
	cf.StringVar(&in.Channel, "channel", "", "how it arrived: email, web, phone, post, in_person, regulator (required)")
	cf.StringVar(&in.SubjectID, "subject", "", "the complaining subject's id, when known")
	cf.StringVar(&in.Reference, "reference", "", "the ticket in your own system (never the complaint's words)")
	cf.StringVar(&in.Jurisdiction, "jurisdiction", "", "where the person is; a known subject's own applies")
	cf.StringVar(&received, "received-at", "", "when it arrived (RFC 3339); default now")
	_ = create.MarkFlagRequired("channel")

	var list complaint.ListInput
	ls := &cobra.Command{
		Use:   "list",
		Short: "List complaints by due date, with counts of open, answered and overdue",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withPolicy(cmd, func(ctx context.Context, m *Main) error {
				cs, counts, err := m.Complaints.List(ctx, tenantID, list)
				if err != nil {
					return err
				}
				for _, c := range cs {
					flag := ""
					if c.Overdue {
						flag = "  OVERDUE"
					}
					fmt.Fprintf(a.out, "%s  %-9s  due %s  %s%s\n", c.ID, c.Status, c.DueAt.Format(time.DateOnly), c.Channel, flag)
				}
				_, err = fmt.Fprintf(a.out, "%d open, %d escalated, %d answered, %d overdue\n", counts.Open, counts.Escalated, counts.Answered, counts.Overdue)
				return err
			})
		},
	}
	ls.Flags().StringVar(&list.Status, "status", "", "only open, answered or escalated complaints")
	ls.Flags().BoolVar(&list.Overdue, "overdue", false, "only unanswered complaints past their due date")
	ls.Flags().StringVar(&list.After, "after", "", "the last id of the previous page")
	ls.Flags().IntVar(&list.Limit, "limit", 100, "page size (at most 1000)")

	change := func(use, short string, fn func(*complaint.Service) func(context.Context, privet.Actor, string, string) (*complaint.Complaint, error)) *cobra.Command {
		return &cobra.Command{
			Use: use + " ID", Short: short, Args: exactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				return a.withPolicy(cmd, func(ctx context.Context, m *Main) error {
					c, err := fn(m.Complaints)(ctx, tenancy.Operator(), tenantID, args[0])
					if err != nil {
						return err
					}
					return a.printJSON(c)
				})
			},
		}
	}
	answer := change("answer", "Record that the complaint was answered now",
		func(s *complaint.Service) func(context.Context, privet.Actor, string, string) (*complaint.Complaint, error) {
			return s.Answer
		})
	escalate := change("escalate", "Refer the complaint to the body the policy names (complaints.escalation)",
		func(s *complaint.Service) func(context.Context, privet.Actor, string, string) (*complaint.Complaint, error) {
			return s.Escalate
		})

	for _, c := range []*cobra.Command{create, ls, answer, escalate} {
		tenantFlag(c, &tenantID)
	}
	cmd.AddCommand(create, ls, answer, escalate)
	return cmd
}
