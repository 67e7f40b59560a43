package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/examples"
	"github.com/privet-dev/privet/policy"
)

// demoPolicy is the embedded example the demo serves.
const demoPolicy = "cipo-cloud/policy.yaml"

func (a *app) serveCommand() *cobra.Command {
	var pprofAddr string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the API (with --demo: a demo tenant and example policy, set up on first start)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.validated()
			if err != nil {
				return err
			}
			if pprofAddr != "" {
				stop, err := servePprof(cmd.Context(), pprofAddr)
				if err != nil {
					return err
				}
				defer stop()
			}
			m := NewMain(cfg, newLogger(cfg, a.errOut))
			defer m.Close()
			if err := m.Open(cmd.Context(), cfg.Demo); err != nil {
				return err
			}
			if m.Policy, err = loadPolicy(cfg.PolicyFile, cfg.Demo); err != nil {
				return err
			}
			if cfg.Demo {
				if err := a.demoTenant(cmd.Context(), m); err != nil {
					return err
				}
			}
			return m.Run(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&pprofAddr, "pprof", "", "serve Go's profiler (net/http/pprof) on this loopback host:port; off when empty")
	return cmd
}

func loadPolicy(path string, demo bool) (*policy.Compiled, error) {
	switch {
	case path != "":
		return policy.Load(path)
	case demo:
		data, err := examples.FS.ReadFile(demoPolicy)
		if err != nil {
			return nil, fmt.Errorf("demo policy: %w", err)
		}
		return policy.Parse(demoPolicy, data)
	}
	return nil, privet.Errorf(privet.EINVALID, "no policy: serve needs --policy FILE (or --demo)")
}

// demoTenant creates the demo tenant and its admin key on the first start,
// and on later starts says how to get a key, since the first is never shown again.
func (a *app) demoTenant(ctx context.Context, m *Main) error {
	ts, err := m.Tenancy.Tenants(ctx)
	if err != nil {
		return err
	}
	if len(ts) > 0 {
		_, err = fmt.Fprintf(a.out, "a demo tenant exists (%s); make a new key with:\n  privet keys create --data-dir %s --tenant %s --name NAME --scopes admin\n",
			ts[0].ID, m.Config.DataDir, ts[0].ID)
		return err
	}
	return firstTenant(ctx, m.Tenancy, "Demo", a.out)
}
