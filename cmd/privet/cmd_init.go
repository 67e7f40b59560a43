package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/tenancy"
)

func (a *app) initCommand() *cobra.Command {
	var tenantName string
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create the data directory, master key and database, a first tenant and an admin key",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.validated()
			if err != nil {
				return err
			}
			if _, err := os.Stat(cfg.MasterKeyPath()); err == nil {
				return privet.Errorf(privet.ECONFLICT, "already initialized: %s exists", cfg.MasterKeyPath())
			}
			m, err := a.open(cmd, true)
			if err != nil {
				return err
			}
			defer m.Close()
			return firstTenant(cmd.Context(), m.Tenancy, tenantName, a.out)
		},
	}
	cmd.Flags().StringVar(&tenantName, "tenant-name", "default", "name of the first tenant")
	return cmd
}

// firstTenant creates a tenant and an admin key and prints the key once.
func firstTenant(ctx context.Context, svc *tenancy.Service, name string, out io.Writer) error {
	t, err := svc.CreateTenant(ctx, name)
	if err != nil {
		return err
	}
	k, secret, err := svc.CreateAPIKey(ctx, tenancy.Operator(), t.ID, "admin", []privet.Scope{privet.ScopeAdmin})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "tenant %s created\nadmin API key %s (shown only now, store it):\n\n  %s\n\n", t.ID, k.ID, secret)
	return err
}
