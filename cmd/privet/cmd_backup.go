package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/sqlite"
)

func (a *app) backupCommand() *cobra.Command {
	var dataDest, keysDest string
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Write consistent copies of the data and of the key store, to separate destinations",
		Long: "backup copies the data and the wrapped data keys to two separate files while the server runs.\n" +
			"Keep them apart: a data backup holds no usable key, and erasing a subject destroys its key,\n" +
			"so a data backup restored later cannot reveal anyone erased since. On PostgreSQL use pg_dump,\n" +
			"dumping the privet_keys schema separately from the rest.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if filepath.Clean(dataDest) == filepath.Clean(keysDest) {
				return &usageError{fmt.Errorf("--data and --keys must be different destinations")}
			}
			return a.withMain(cmd, func(ctx context.Context, m *Main) error {
				store, okS := m.Store.(*sqlite.Store)
				keys, okK := m.Keys.(*sqlite.KeyStore)
				if !okS || !okK {
					return privet.Errorf(privet.EINVALID, "backup copies SQLite stores; on PostgreSQL use pg_dump (keys: schema privet_keys, separately)")
				}
				if err := store.Backup(ctx, dataDest); err != nil {
					return err
				}
				if err := keys.Backup(ctx, keysDest); err != nil {
					return err
				}
				_, err := fmt.Fprintf(a.out, "data written to %s\nkeys written to %s\n", dataDest, keysDest)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&dataDest, "data", "", "destination file of the data backup (required)")
	cmd.Flags().StringVar(&keysDest, "keys", "", "destination file of the key store backup (required)")
	_ = cmd.MarkFlagRequired("data")
	_ = cmd.MarkFlagRequired("keys")
	return cmd
}
