package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// jobsCommand runs a periodic job once, now, in this process: what a server's
// leader does on schedule, on demand.
func (a *app) jobsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "jobs", Short: "List background jobs and run a periodic one now", Args: noArgs}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the periodic jobs and their schedules",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, p := range periodicJobs {
				if _, err := fmt.Fprintf(a.out, "%-20s every %s\n", p.Job.Kind(), p.Every); err != nil {
					return err
				}
			}
			return nil
		},
	}
	run := &cobra.Command{
		Use:   "run KIND",
		Short: "Run a periodic job once, now (" + strings.Join(periodicKinds(), ", ") + ")",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(periodicKinds(), args[0]) {
				return &usageError{fmt.Errorf("unknown job %q: one of %s", args[0], strings.Join(periodicKinds(), ", "))}
			}
			return a.withMain(cmd, func(ctx context.Context, m *Main) error {
				if err := m.Jobs.RunOnce(ctx, args[0]); err != nil {
					return err
				}
				_, err := fmt.Fprintf(a.out, "%s done\n", args[0])
				return err
			})
		},
	}
	cmd.AddCommand(list, run)
	return cmd
}

func periodicKinds() []string {
	kinds := make([]string, len(periodicJobs))
	for i, p := range periodicJobs {
		kinds[i] = p.Job.Kind()
	}
	return kinds
}
