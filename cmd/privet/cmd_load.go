package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/loadgen"
)

// loadCommand drives a running server over HTTP and reports rates and
// latencies per phase: the source of the numbers in BENCHMARKS.md.
func (a *app) loadCommand() *cobra.Command {
	var (
		opt             loadgen.Options
		asJSON, withBar bool
	)
	cmd := &cobra.Command{
		Use:   "load",
		Short: "Load a running server on a loopback address: creates, gets by email, consent writes, decisions (--baseline: a bare net/http handler too)",
		Long: `Load creates subjects (five fields, two identities each) from --clients
concurrent clients, then looks them up by email, records consents for them
and asks for decisions (marketing email), and prints one line per
phase with requests/s, p50, p99 and errors. Each phase stops after --duration
or --requests, whichever comes first. --baseline also loads a bare net/http
handler in this process, the ceiling to compare against; alone, it needs no
server. With --seeded N, load runs the get phase alone, over the N subjects
that "privet subjects seed" made (emails spread uniformly over all of them).
The exit status is 1 if any request failed.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opt.BaseURL == "" && !withBar {
				return &usageError{fmt.Errorf("load needs --url (or --baseline alone)")}
			}
			if opt.BaseURL != "" && opt.APIKey == "" {
				return &usageError{fmt.Errorf("load needs --key (or PRIVET_KEY) with the vault:read and vault:write scopes")}
			}
			var results []loadgen.Result
			if opt.BaseURL != "" {
				res, err := loadgen.Run(cmd.Context(), opt)
				results = append(results, res...)
				if err != nil {
					a.printLoad(results, asJSON)
					return asUsage(err)
				}
			}
			if withBar {
				bar, err := loadgen.Baseline(cmd.Context(), opt)
				if err != nil {
					return asUsage(err)
				}
				loadgen.CompareToBaseline(results, bar)
				results = append(results, bar)
			}
			if err := a.printLoad(results, asJSON); err != nil {
				return err
			}
			for _, r := range results {
				if r.Errors > 0 {
					return privet.Errorf(privet.EUNAVAILABLE, "%d of %d %s requests failed; first: %s", r.Errors, r.Requests, r.Phase, r.FirstError)
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.BaseURL, "url", "", "base URL of the server, on a loopback address (e.g. http://127.0.0.1:8080)")
	f.StringVar(&opt.APIKey, "key", "", "API key with the vault:read and vault:write scopes")
	f.IntVar(&opt.Clients, "clients", 16, "concurrent clients")
	f.DurationVar(&opt.Duration, "duration", 10*time.Second, "how long each phase runs at most")
	f.DurationVar(&opt.GetDuration, "get-duration", 0, "how long the get phase runs at most (default: --duration)")
	f.IntVar(&opt.Requests, "requests", 0, "requests per phase at most (0: bounded by --duration only)")
	f.IntVar(&opt.Seeded, "seeded", 0, "only gets, by the emails of this many subjects made by 'subjects seed' (0: create first, then all phases)")
	f.StringVar(&opt.SeedPrefix, "seed-prefix", loadgen.DefaultSeedPrefix, "prefix of the seeded emails (as given to 'subjects seed')")
	f.StringVar(&opt.Purpose, "purpose", "essential.service", "purpose the gets declare")
	f.DurationVar(&opt.ReadyTimeout, "ready-timeout", loadgen.DefaultReadyTimeout, "how long to wait, before the first phase, while the server's /readyz answers 503 (a server still filling its consent memory)")
	f.BoolVar(&withBar, "baseline", false, "also load a bare net/http handler in this process, and report ratios to it")
	f.BoolVar(&asJSON, "json", false, "print the results as JSON")
	return cmd
}

func (a *app) printLoad(results []loadgen.Result, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(a.out).Encode(map[string]any{"results": results})
	}
	for _, r := range results {
		if _, err := fmt.Fprintln(a.out, r); err != nil {
			return err
		}
	}
	return nil
}

// asUsage makes invalid options a usage error (exit 2); anything else,
// such as an unreachable server, stays a failure (exit 1).
func asUsage(err error) error {
	if privet.ErrorCode(err) == privet.EINVALID {
		return &usageError{fmt.Errorf("%s", privet.ErrorMessage(err))}
	}
	return err
}
