package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/policies"
	"github.com/privet-dev/privet/policy"
	"github.com/privet-dev/privet/tenancy"
)

// policyVersionCommands are the policy subcommands that act on a tenant's
// published versions in the database.
func (a *app) policyVersionCommands() []*cobra.Command {
	var tenantID string
	var allowRightsReduction bool
	publish := &cobra.Command{
		Use:   "publish FILE",
		Short: "Publish FILE as a new version of a tenant's policy",
		Long: "publish validates FILE and stores it as a version of the tenant's policy, in force from its effective\n" +
			"date. A material change (docs/policy.md) must take effect at least changes.before later; it schedules\n" +
			"notice emails to every active subject with an email address. A version that takes a right away needs\n" +
			"--allow-rights-reduction, and every consent is then asked again when it takes effect.",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := os.ReadFile(args[0])
			if err != nil {
				return privet.FieldError("file", "cannot read %s", args[0])
			}
			return a.withMain(cmd, func(ctx context.Context, m *Main) error {
				if err := a.fallbackPolicy(m); err != nil {
					return err
				}
				p, err := m.Policies.Publish(ctx, tenancy.Operator(), tenantID, policies.PublishInput{
					Name: args[0], Source: src, AllowRightsReduction: allowRightsReduction,
				})
				var ps *policy.Problems
				if errors.As(err, &ps) {
					a.printPolicyProblems(args[0], err)
					return silentFailure{}
				}
				if err != nil {
					return err
				}
				fmt.Fprintf(a.out, "published version %s (sha256 %s), effective %s\n", p.Version.Version, p.Version.SHA256,
					p.Version.Effective.Format(time.DateOnly))
				for _, c := range p.Changes {
					mark := " "
					if c.Material {
						mark = "!"
					}
					fmt.Fprintf(a.out, "%s %s %s: %s\n", mark, c.Kind, c.Key, c.Detail)
				}
				if p.NoticesScheduled {
					fmt.Fprintln(a.out, "material change: notice emails are scheduled")
				}
				return nil
			})
		},
	}
	tenantFlag(publish, &tenantID)
	publish.Flags().BoolVar(&allowRightsReduction, "allow-rights-reduction", false, "publish a version that takes a right away")

	var versionsTenant string
	versions := &cobra.Command{
		Use:   "versions",
		Short: "List a tenant's published policy versions and which is in force",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withMain(cmd, func(ctx context.Context, m *Main) error {
				vs, err := m.Policies.Versions(ctx, versionsTenant)
				if err != nil {
					return err
				}
				if len(vs) == 0 {
					_, err := fmt.Fprintln(a.out, "no published versions: the configured policy file is served")
					return err
				}
				w := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "VERSION\tEFFECTIVE\tSTATUS\tMATERIAL\tPUBLISHED\tSHA256")
				for _, v := range vs {
					fmt.Fprintf(w, "%s\t%s\t%s\t%t\t%s\t%s\n", v.Version, v.Effective.Format(time.DateOnly), v.Status, v.Material,
						v.PublishedAt.Format(time.RFC3339), v.SHA256[:12])
				}
				return w.Flush()
			})
		},
	}
	tenantFlag(versions, &versionsTenant)
	return []*cobra.Command{publish, versions}
}

// fallbackPolicy loads the configured policy file, if any, as the policy a
// tenant without versions is served, so a first publication is compared
// with it.
func (a *app) fallbackPolicy(m *Main) error {
	if m.Config.PolicyFile == "" && !m.Config.Demo {
		return nil
	}
	pol, err := loadPolicy(m.Config.PolicyFile, m.Config.Demo)
	if err != nil {
		return err
	}
	m.Policies.Fallback = pol
	return nil
}
