package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/incident"
	"github.com/privet-dev/privet/tenancy"
)

// incidentsCommand is the breach register from the command line, as the
// operator: the same service, validation and audit trail as the API.
func (a *app) incidentsCommand() *cobra.Command {
	var tenantID, file, status, format string
	cmd := &cobra.Command{
		Use:   "incidents",
		Short: "Record breaches, watch the law's deadlines, notify people and build the regulator's report (needs --policy or --demo)",
		Args:  noArgs,
	}
	withIncidents := func(cmd *cobra.Command, fn func(ctx context.Context, s *incident.Service) error) error {
		return a.withPolicy(cmd, func(ctx context.Context, m *Main) error { return fn(ctx, m.Incidents) })
	}
	op := tenancy.Operator()

	create := &cobra.Command{
		Use:   "create",
		Short: "Record a breach from JSON (the body of POST /v1/incidents) in --file or on stdin",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var r io.Reader = cmd.InOrStdin()
			if file != "" && file != "-" {
				f, err := os.Open(file)
				if err != nil {
					return privet.FieldError("file", "cannot open %s", file)
				}
				defer f.Close()
				r = f
			}
			var in incident.NewIncident
			dec := json.NewDecoder(io.LimitReader(r, 1<<20))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&in); err != nil {
				return privet.FieldError("file", "not a valid JSON document: %s", jsonProblem(err))
			}
			return withIncidents(cmd, func(ctx context.Context, s *incident.Service) error {
				inc, err := s.Create(ctx, op, tenantID, in)
				if err != nil {
					return err
				}
				v, err := s.Get(ctx, tenantID, inc.ID)
				if err != nil {
					return err
				}
				return a.printJSON(v)
			})
		},
	}
	create.Flags().StringVar(&file, "file", "", "JSON file with the incident (default stdin)")

	list := &cobra.Command{
		Use:   "list",
		Short: "List incidents with their regulator deadline; OVERDUE marks a notice past its deadline",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withIncidents(cmd, func(ctx context.Context, s *incident.Service) error {
				list, err := s.List(ctx, tenantID, privet.IncidentFilter{Status: privet.IncidentStatus(status), Limit: 1000})
				if err != nil {
					return err
				}
				for _, i := range list {
					due := "-"
					if i.RegulatorDue != nil {
						due = i.RegulatorDue.Format("2006-01-02T15:04Z07:00")
					}
					mark := ""
					if i.Overdue {
						mark = "  OVERDUE"
					}
					fmt.Fprintf(a.out, "%s  %-8s  %-9s  regulator due %s%s  %s\n", i.ID, i.Status, i.Risk, due, mark, i.Title)
				}
				return nil
			})
		},
	}
	list.Flags().StringVar(&status, "status", "", "only incidents with this status (open, notified, closed)")

	byID := func(use, short string, fn func(ctx context.Context, s *incident.Service, id string) error) *cobra.Command {
		return &cobra.Command{
			Use: use + " ID", Short: short, Args: exactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				return withIncidents(cmd, func(ctx context.Context, s *incident.Service) error { return fn(ctx, s, args[0]) })
			},
		}
	}
	show := byID("show", "Show an incident with the notices the law asks for and their deadlines", func(ctx context.Context, s *incident.Service, id string) error {
		v, err := s.Get(ctx, tenantID, id)
		if err != nil {
			return err
		}
		return a.printJSON(v)
	})
	notify := byID("notify", "Find the people affected and enqueue the job that emails each of them once (a running server sends)", func(ctx context.Context, s *incident.Service, id string) error {
		n, err := s.NotifyPeople(ctx, op, tenantID, id)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(a.out, "%d people affected; the notice job is enqueued\n", n)
		return err
	})
	report := byID("report", "Print the report to the regulator (GDPR Art. 33(3)) as Markdown or JSON", func(ctx context.Context, s *incident.Service, id string) error {
		r, err := s.RegulatorReport(ctx, op, tenantID, id)
		if err != nil {
			return err
		}
		if format == "json" {
			return a.printJSON(r)
		}
		_, err = io.WriteString(a.out, r.Markdown())
		return err
	})
	report.Flags().StringVar(&format, "format", "markdown", "markdown or json")
	report.PreRunE = func(*cobra.Command, []string) error {
		if format != "markdown" && format != "json" {
			return &usageError{privet.FieldError("format", "want markdown or json")}
		}
		return nil
	}
	regulator := byID("regulator-notified", "Record that the regulator was notified now", func(ctx context.Context, s *incident.Service, id string) error {
		inc, err := s.RegulatorNotified(ctx, op, tenantID, id, time.Time{})
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(a.out, "regulator notified at %s\n", inc.RegulatorNotifiedAt.Format(time.RFC3339))
		return err
	})
	publish := byID("publish", "Publish the public notice at /v1/public/incidents/ID", func(ctx context.Context, s *incident.Service, id string) error {
		if _, err := s.Publish(ctx, op, tenantID, id); err != nil {
			return err
		}
		_, err := fmt.Fprintf(a.out, "published at /v1/public/incidents/%s\n", id)
		return err
	})
	closeCmd := byID("close", "Close an incident", func(ctx context.Context, s *incident.Service, id string) error {
		_, err := s.Close(ctx, op, tenantID, id)
		return err
	})
	for _, c := range []*cobra.Command{create, list, show, notify, report, regulator, publish, closeCmd} {
		tenantFlag(c, &tenantID)
		cmd.AddCommand(c)
	}
	return cmd
}
