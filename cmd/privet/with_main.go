package main

import (
	"context"

	"github.com/spf13/cobra"
)

// withMain opens privet for a one-shot command, runs fn against it, and
// closes it again, whatever fn returns.
func (a *app) withMain(cmd *cobra.Command, fn func(ctx context.Context, m *Main) error) error {
	m, err := a.open(cmd, false)
	if err != nil {
		return err
	}
	defer m.Close()
	return fn(cmd.Context(), m)
}
