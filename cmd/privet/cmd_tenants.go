package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func (a *app) tenantsCommand() *cobra.Command {
	var name string
	cmd := &cobra.Command{Use: "tenants", Short: "Create and list tenants", Args: noArgs}
	create := &cobra.Command{
		Use:   "create",
		Short: "Create a tenant (with its signing key)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withMain(cmd, func(ctx context.Context, m *Main) error {
				t, err := m.Tenancy.CreateTenant(ctx, name)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(a.out, "tenant %s created\n", t.ID)
				return err
			})
		},
	}
	create.Flags().StringVar(&name, "name", "", "the tenant's name (required)")
	_ = create.MarkFlagRequired("name")
	list := &cobra.Command{
		Use:   "list",
		Short: "List tenants",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withMain(cmd, func(ctx context.Context, m *Main) error {
				ts, err := m.Tenancy.Tenants(cmd.Context())
				if err != nil {
					return err
				}
				w := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "ID\tNAME\tCREATED")
				for _, t := range ts {
					fmt.Fprintf(w, "%s\t%s\t%s\n", t.ID, t.Name, t.CreatedAt.Format("2006-01-02 15:04"))
				}
				return w.Flush()
			})
		},
	}
	cmd.AddCommand(create, list)
	return cmd
}
