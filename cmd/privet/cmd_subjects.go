package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/loadgen"
	"github.com/privet-dev/privet/tenancy"
	"github.com/privet-dev/privet/vault"
)

// subjectsCommand is the vault from the command line, as the operator: the
// same service, validation and audit trail as the API.
func (a *app) subjectsCommand() *cobra.Command {
	var (
		tenantID, purpose, file, status, idType string
		masked                                  bool
	)
	cmd := &cobra.Command{
		Use:   "subjects",
		Short: "Create, read, update, list, close and erase subjects (needs --policy or --demo)",
		Args:  noArgs,
	}
	// withVault opens privet with the policy and runs fn against the vault.
	withVault := func(cmd *cobra.Command, fn func(ctx context.Context, v *vault.Service) error) error {
		return a.withPolicy(cmd, func(ctx context.Context, m *Main) error { return fn(ctx, m.Vault) })
	}
	readInput := func(cmd *cobra.Command, into any) error {
		var r = cmd.InOrStdin()
		if file != "" && file != "-" {
			f, err := os.Open(file)
			if err != nil {
				return privet.FieldError("file", "cannot open %s", file)
			}
			defer f.Close()
			r = f
		}
		dec := json.NewDecoder(io.LimitReader(r, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(into); err != nil {
			return privet.FieldError("file", "not a valid JSON document: %s", jsonProblem(err))
		}
		return nil
	}
	op := tenancy.Operator()

	create := &cobra.Command{
		Use:   "create",
		Short: "Store a subject from JSON (the body of POST /v1/subjects) in --file or on stdin",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var in vault.CreateInput
			if err := readInput(cmd, &in); err != nil {
				return err
			}
			return withVault(cmd, func(ctx context.Context, v *vault.Service) error {
				view, err := v.Create(ctx, op, tenantID, in)
				if err != nil {
					return err
				}
				return a.printJSON(view)
			})
		},
	}
	get := &cobra.Command{
		Use:   "get ID",
		Short: "Read a subject for a purpose",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withVault(cmd, func(ctx context.Context, v *vault.Service) error {
				view, err := v.Get(ctx, op, tenantID, args[0], vault.ReadOptions{Purpose: purpose, Masked: masked})
				if err != nil {
					return err
				}
				return a.printJSON(view)
			})
		},
	}
	find := &cobra.Command{
		Use:   "find",
		Short: "Find a subject by an identity read from stdin (kept out of the process list), and read it for a purpose",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			value, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), 1024))
			if err != nil {
				return err
			}
			id := vault.IdentityInput{Type: privet.IdentityType(idType), Value: string(trimNewline(value))}
			return withVault(cmd, func(ctx context.Context, v *vault.Service) error {
				view, err := v.Find(ctx, op, tenantID, id, vault.ReadOptions{Purpose: purpose, Masked: masked})
				if err != nil {
					return err
				}
				return a.printJSON(view)
			})
		},
	}
	update := &cobra.Command{
		Use:   "update ID",
		Short: "Change a subject from JSON (the body of PATCH /v1/subjects/{id}) in --file or on stdin",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var in vault.UpdateInput
			if err := readInput(cmd, &in); err != nil {
				return err
			}
			return withVault(cmd, func(ctx context.Context, v *vault.Service) error {
				if err := v.Update(ctx, op, tenantID, args[0], in); err != nil {
					return err
				}
				_, err := fmt.Fprintf(a.out, "subject %s updated\n", args[0])
				return err
			})
		},
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List subjects, without personal data",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withVault(cmd, func(ctx context.Context, v *vault.Service) error {
				subs, err := v.List(ctx, tenantID, privet.SubjectFilter{Status: privet.SubjectStatus(status), Limit: 1000})
				if err != nil {
					return err
				}
				return a.printJSON(subs)
			})
		},
	}
	// lifecycle makes the command of one status change.
	lifecycle := func(use, short, done string, change func(*vault.Service) func(context.Context, privet.Actor, string, string) error) *cobra.Command {
		return &cobra.Command{
			Use:   use + " ID",
			Short: short,
			Args:  exactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				return withVault(cmd, func(ctx context.Context, v *vault.Service) error {
					if err := change(v)(ctx, op, tenantID, args[0]); err != nil {
						return err
					}
					_, err := fmt.Fprintf(a.out, "subject %s %s\n", args[0], done)
					return err
				})
			},
		}
	}
	// Closing goes through retention, which schedules the policy's rules.
	closeCmd := &cobra.Command{
		Use:   "close ID",
		Short: "Close the subject's account; retention decides when its data goes",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withPolicy(cmd, func(ctx context.Context, m *Main) error {
				if err := m.Retention.Close(ctx, op, tenantID, args[0]); err != nil {
					return err
				}
				_, err := fmt.Fprintf(a.out, "subject %s closed\n", args[0])
				return err
			})
		},
	}
	restrict := lifecycle("restrict", "Restrict processing of a subject", "restricted",
		func(v *vault.Service) func(context.Context, privet.Actor, string, string) error { return v.Restrict })
	reactivate := lifecycle("reactivate", "Lift a restriction or reopen an account", "reactivated",
		func(v *vault.Service) func(context.Context, privet.Actor, string, string) error { return v.Reactivate })
	erase := lifecycle("erase", "Erase a subject: destroy its data key and delete its data", "erased",
		func(v *vault.Service) func(context.Context, privet.Actor, string, string) error { return v.Erase })

	seed := a.subjectsSeedCommand(&tenantID)
	for _, c := range []*cobra.Command{create, get, find, update, list, closeCmd, restrict, reactivate, erase, seed} {
		tenantFlag(c, &tenantID)
	}
	for _, c := range []*cobra.Command{create, update} {
		c.Flags().StringVar(&file, "file", "", "JSON input file (default: stdin)")
	}
	for _, c := range []*cobra.Command{get, find} {
		c.Flags().StringVar(&purpose, "purpose", "", "the data use this read serves (required)")
		c.Flags().BoolVar(&masked, "masked", false, "show desensitized values")
		_ = c.MarkFlagRequired("purpose")
	}
	find.Flags().StringVar(&idType, "type", "email", "identity type: email, phone, external_id, cookie_id")
	list.Flags().StringVar(&status, "status", "", "only subjects with this status")
	cmd.AddCommand(create, get, find, update, list, closeCmd, restrict, reactivate, erase, seed)
	return cmd
}

// subjectsSeedCommand fills a store with synthetic subjects for benchmarks,
// through the vault as an operator (so every row is what a server writes),
// many at a time: a million in minutes instead of the hour that creates
// over HTTP take. `privet load --seeded` then reads them back.
func (a *app) subjectsSeedCommand(tenantID *string) *cobra.Command {
	var (
		opt    loadgen.SeedOptions
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "seed",
		Short: "Create --count synthetic subjects (the load command's five fields and two identities) for benchmarks",
		Long: `Seed creates subjects numbered --from to --from+--count-1, each with the email
PREFIX-N@example.com, a cookie id and the five fields the load command sends,
from --workers concurrent creates through the vault, audited as the operator.
"privet load --seeded N" then looks them up by email. An interrupted run is
resumed with --from set to the number reached.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withPolicy(cmd, func(ctx context.Context, m *Main) error {
				op := tenancy.Operator()
				opt.Progress = func(done int, elapsed time.Duration) {
					fmt.Fprintf(a.errOut, "seeded %d of %d in %s (%.0f/s)\n", done, opt.Count, elapsed.Round(time.Second),
						float64(done)/elapsed.Seconds())
				}
				res, err := loadgen.Seed(ctx, opt, func(ctx context.Context, in vault.CreateInput) error {
					_, err := m.Vault.Create(ctx, op, *tenantID, in)
					return err
				})
				if asJSON {
					if perr := a.printJSON(res); perr != nil {
						return perr
					}
				} else if _, perr := fmt.Fprintln(a.out, res); perr != nil {
					return perr
				}
				return err
			})
		},
	}
	f := cmd.Flags()
	f.IntVar(&opt.Count, "count", 0, "how many subjects to create (required)")
	f.IntVar(&opt.From, "from", 0, "number of the first subject (to resume an interrupted run)")
	f.IntVar(&opt.Workers, "workers", 16, "concurrent creates")
	f.StringVar(&opt.Prefix, "prefix", loadgen.DefaultSeedPrefix, "prefix of the emails (PREFIX-N@example.com)")
	f.BoolVar(&asJSON, "json", false, "print the result as JSON")
	_ = cmd.MarkFlagRequired("count")
	return cmd
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// jsonProblem describes a decoding error without quoting the input.
func jsonProblem(err error) string {
	switch e := err.(type) {
	case *json.SyntaxError:
		return fmt.Sprintf("syntax error at byte %d", e.Offset)
	case *json.UnmarshalTypeError:
		return fmt.Sprintf("field %s has the wrong type", e.Field)
	}
	if err == io.EOF {
		return "empty input"
	}
	return "unexpected content"
}
