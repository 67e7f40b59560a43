package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/tenancy"
)

func (a *app) keysCommand() *cobra.Command {
	var tenantID, name, scopes string
	cmd := &cobra.Command{Use: "keys", Short: "Create, list and revoke API keys; rotate the master key", Args: noArgs}

	create := &cobra.Command{
		Use:   "create",
		Short: "Create an API key; its secret is printed once",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var list []privet.Scope
			for s := range strings.SplitSeq(scopes, ",") {
				if s = strings.TrimSpace(s); s != "" {
					list = append(list, privet.Scope(s))
				}
			}
			return a.withMain(cmd, func(ctx context.Context, m *Main) error {
				k, secret, err := m.Tenancy.CreateAPIKey(ctx, tenancy.Operator(), tenantID, name, list)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(a.out, "API key %s (shown only now, store it):\n\n  %s\n\n", k.ID, secret)
				return err
			})
		},
	}
	create.Flags().StringVar(&name, "name", "", "what uses the key (required)")
	create.Flags().StringVar(&scopes, "scopes", "", "comma-separated scopes: "+scopeList())
	_ = create.MarkFlagRequired("name")
	_ = create.MarkFlagRequired("scopes")

	list := &cobra.Command{
		Use:   "list",
		Short: "List a tenant's API keys",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withMain(cmd, func(ctx context.Context, m *Main) error {
				ks, err := m.Tenancy.APIKeys(ctx, tenantID)
				if err != nil {
					return err
				}
				w := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "ID\tNAME\tSCOPES\tCREATED\tREVOKED")
				for _, k := range ks {
					revoked := ""
					if k.RevokedAt != nil {
						revoked = k.RevokedAt.Format("2006-01-02 15:04")
					}
					scopes := make([]string, len(k.Scopes))
					for i, s := range k.Scopes {
						scopes[i] = string(s)
					}
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", k.ID, k.Name, strings.Join(scopes, ","), k.CreatedAt.Format("2006-01-02 15:04"), revoked)
				}
				return w.Flush()
			})
		},
	}
	revoke := &cobra.Command{
		Use:   "revoke KEYID",
		Short: "Revoke an API key",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withMain(cmd, func(ctx context.Context, m *Main) error {
				if err := m.Tenancy.RevokeAPIKey(ctx, tenancy.Operator(), tenantID, args[0]); err != nil {
					return err
				}
				_, err := fmt.Fprintf(a.out, "API key %s revoked\n", args[0])
				return err
			})
		},
	}
	for _, c := range []*cobra.Command{create, list, revoke} {
		tenantFlag(c, &tenantID)
	}
	cmd.AddCommand(create, list, revoke, a.keysRotateCommand())
	return cmd
}

func scopeList() string {
	s := make([]string, len(privet.Scopes))
	for i, sc := range privet.Scopes {
		s[i] = string(sc)
	}
	return strings.Join(s, ", ")
}
