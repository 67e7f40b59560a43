package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

func (a *app) keysRotateCommand() *cobra.Command {
	var now bool
	cmd := &cobra.Command{
		Use:   "rotate",
		Short: "Add a new master key version; data keys are re-wrapped by a background job",
		Long: "rotate adds a new master key version and makes it primary; older versions keep opening what they wrapped.\n" +
			"Data keys are then re-wrapped by the keys.rewrap job of a running server (which reloads the key file),\n" +
			"or here and now with --now. Progress: privet keys rotate status.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withMain(cmd, func(ctx context.Context, m *Main) error {
				id, err := m.Master.Rotate(m.Config.MasterKeyPath())
				if err != nil {
					return err
				}
				fmt.Fprintf(a.out, "master key version %d is now primary\n", id)
				if now {
					n, err := m.Vault.RewrapAll(ctx, 500)
					if err != nil {
						return err
					}
					fmt.Fprintf(a.out, "re-wrapped %d data keys\n", n)
				} else if err := m.Jobs.Enqueue(ctx, rewrapJob{}); err != nil {
					return err
				}
				p, err := m.Vault.Progress(ctx)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(a.out, "data keys: %d under the primary version, %d waiting to be re-wrapped\n", p.Current, p.Pending)
				return err
			})
		},
	}
	cmd.Flags().BoolVar(&now, "now", false, "re-wrap every data key in this process before returning")
	status := &cobra.Command{
		Use:   "status",
		Short: "Show how many data keys still wait for re-wrapping",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withMain(cmd, func(ctx context.Context, m *Main) error {
				p, err := m.Vault.Progress(cmd.Context())
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(a.out, "primary version %d: %d data keys current, %d waiting\n", p.PrimaryKeyID, p.Current, p.Pending)
				return err
			})
		},
	}
	cmd.AddCommand(status)
	return cmd
}
