package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/requests"
	"github.com/privet-dev/privet/tenancy"
)

// requestsCommand is the privacy team's request queue from the command
// line, as the operator: the same service and audit trail as the API.
func (a *app) requestsCommand() *cobra.Command {
	var (
		tenantID, status, typ, reason, from, to, format, subjectID string
		client, sendToName, sendToEmail                            string
		categories                                                 []string
		open                                                       bool
	)
	cmd := &cobra.Command{
		Use:   "requests",
		Short: "List, show, file, approve, deny, extend and charge data-subject requests, and report on them (needs --policy or --demo)",
		Args:  noArgs,
	}
	withRequests := func(cmd *cobra.Command, fn func(ctx context.Context, r *requests.Service) error) error {
		return a.withPolicy(cmd, func(ctx context.Context, m *Main) error { return fn(ctx, m.Requests) })
	}
	op := tenancy.Operator()

	list := &cobra.Command{
		Use:   "list",
		Short: "List requests by due date, soonest first",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRequests(cmd, func(ctx context.Context, r *requests.Service) error {
				rs, err := r.List(ctx, tenantID, privet.RequestFilter{Status: privet.RequestStatus(status), Type: typ, OpenOnly: open, Limit: 1000})
				if err != nil {
					return err
				}
				for _, q := range rs {
					if _, err := fmt.Fprintf(a.out, "%s  %-22s %-16s due %s\n", q.ID, q.Status, q.Type, q.DueAt.Format(time.DateOnly)); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show a request",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withRequests(cmd, func(ctx context.Context, r *requests.Service) error {
				q, err := r.Get(ctx, tenantID, args[0])
				if err != nil {
					return err
				}
				return a.printJSON(struct {
					*privet.Request
					Details json.RawMessage `json:"details,omitempty"`
				}{q, json.RawMessage(q.Details)})
			})
		},
	}
	file := &cobra.Command{
		Use:   "file",
		Short: "File a request for a known subject (--subject, --type)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRequests(cmd, func(ctx context.Context, r *requests.Service) error {
				in := requests.FileInput{SubjectID: subjectID, Type: typ, Client: client, Categories: categories}
				if sendToName != "" || sendToEmail != "" {
					in.SendTo = &requests.Controller{Name: sendToName, Email: sendToEmail}
				}
				f, err := r.File(ctx, op, tenantID, in)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(a.out, "request %s %s, due %s\n", f.Request.ID, f.Request.Status, f.Request.DueAt.Format(time.DateOnly))
				return err
			})
		},
	}
	// change makes the command of one state change.
	change := func(use, short string, act func(r *requests.Service, ctx context.Context, id string) (*privet.Request, error)) *cobra.Command {
		return &cobra.Command{
			Use:   use + " ID",
			Short: short,
			Args:  exactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				return withRequests(cmd, func(ctx context.Context, r *requests.Service) error {
					q, err := act(r, ctx, args[0])
					if err != nil {
						return err
					}
					_, err = fmt.Fprintf(a.out, "request %s %s, due %s\n", q.ID, q.Status, q.DueAt.Format(time.DateOnly))
					return err
				})
			},
		}
	}
	approve := change("approve", "Approve a request the policy holds for approval", func(r *requests.Service, ctx context.Context, id string) (*privet.Request, error) {
		return r.Approve(ctx, op, tenantID, id)
	})
	deny := change("deny", "Deny a request with --reason; the requester learns how to appeal or complain", func(r *requests.Service, ctx context.Context, id string) (*privet.Request, error) {
		return r.Deny(ctx, op, tenantID, id, reason)
	})
	extend := change("extend", "Extend the deadline by the legal maximum, with --reason", func(r *requests.Service, ctx context.Context, id string) (*privet.Request, error) {
		return r.Extend(ctx, op, tenantID, id, reason)
	})
	charge := change("charge", "Hold a request judged excessive or repetitive (--reason excessive|repetitive) for the policy's fee estimate; the requester is told first", func(r *requests.Service, ctx context.Context, id string) (*privet.Request, error) {
		return r.Charge(ctx, op, tenantID, id, reason)
	})
	report := &cobra.Command{
		Use:   "report",
		Short: "Counts per request type for a period (--from, --to as YYYY-MM-DD; --format json or csv)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			start, err := time.Parse(time.DateOnly, from)
			if err != nil {
				return privet.FieldError("from", "--from must be a date in the form YYYY-MM-DD")
			}
			end, err := time.Parse(time.DateOnly, to)
			if err != nil {
				return privet.FieldError("to", "--to must be a date in the form YYYY-MM-DD")
			}
			if format != "json" && format != "csv" {
				return privet.FieldError("format", "--format must be json or csv")
			}
			return withRequests(cmd, func(ctx context.Context, r *requests.Service) error {
				rep, err := r.Report(ctx, tenantID, start, end.AddDate(0, 0, 1))
				if err != nil {
					return err
				}
				if format == "csv" {
					return rep.WriteCSV(a.out)
				}
				return a.printJSON(rep)
			})
		},
	}
	for _, c := range []*cobra.Command{list, show, file, approve, deny, extend, charge, report} {
		tenantFlag(c, &tenantID)
	}
	list.Flags().StringVar(&status, "status", "", "only requests with this status")
	list.Flags().StringVar(&typ, "type", "", "only requests of this type")
	list.Flags().BoolVar(&open, "open", false, "only requests still being handled")
	file.Flags().StringVar(&subjectID, "subject", "", "the subject's id")
	file.Flags().StringVar(&typ, "type", "", "the request type, e.g. access or erasure")
	file.Flags().StringVar(&client, "client", "", "the policy's client that controls the data: the request is referred to it")
	file.Flags().StringSliceVar(&categories, "categories", nil, "limit an erasure to these data categories (comma-separated); the account stays")
	file.Flags().StringVar(&sendToName, "send-to-name", "", "portability: the controller the data is sent to")
	file.Flags().StringVar(&sendToEmail, "send-to-email", "", "portability: that controller's email address, where the download link goes")
	charge.Flags().StringVar(&reason, "reason", "", "excessive or repetitive (required)")
	deny.Flags().StringVar(&reason, "reason", "", "why (required)")
	extend.Flags().StringVar(&reason, "reason", "", "why (required)")
	report.Flags().StringVar(&from, "from", "", "first day of the period, YYYY-MM-DD")
	report.Flags().StringVar(&to, "to", "", "last day of the period, YYYY-MM-DD (inclusive)")
	report.Flags().StringVar(&format, "format", "json", "json or csv")
	cmd.AddCommand(list, show, file, approve, deny, extend, charge, report)
	return cmd
}
