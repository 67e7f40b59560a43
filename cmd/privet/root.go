package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/privet-dev/privet"
	"github.com/privet-dev/privet/config"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError is a mistake in how the command was called: bad flags, a
// missing argument, an unknown command.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }

// silentFailure fails the command after it has printed its own report
// (policy check lists the problems itself).
type silentFailure struct{}

func (silentFailure) Error() string { return "failed" }

// app is what every command shares: the configuration (filled from flags
// and the environment) and where to write.
type app struct {
	cfg    config.Config
	out    io.Writer
	errOut io.Writer
	// clock is the time of every privet the command opens; nil is the
	// system clock (tests set one to travel in time).
	clock privet.Clock
}

// Execute runs the command line and returns the process exit code.
func Execute(ctx context.Context, args []string, stdout, stderr io.Writer, lookupEnv func(string) (string, bool)) int {
	return execute(ctx, &app{cfg: config.Default(), out: stdout, errOut: stderr}, args, lookupEnv)
}

// execute runs the command line as a; tests give a its clock.
func execute(ctx context.Context, a *app, args []string, lookupEnv func(string) (string, bool)) int {
	stdout, stderr := a.out, a.errOut
	root := a.rootCommand(lookupEnv)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ue *usageError
	switch {
	// cobra reports a missing required flag with a plain error.
	case errors.As(err, &ue), strings.HasPrefix(err.Error(), "required flag"):
		fmt.Fprintf(stderr, "privet: %s\n", oneLine(err.Error()))
		fmt.Fprint(stderr, "Run 'privet --help' for usage.\n")
		return exitUsage
	case errors.As(err, new(silentFailure)):
		return exitFailure
	}
	fmt.Fprintf(stderr, "privet: %s\n", oneLine(privetMessage(err)))
	return exitFailure
}

// privetMessage is the safe message of a domain error, or the error's text
// for errors of the command line itself, which hold no personal data.
func privetMessage(err error) string {
	var pe *privet.Error
	if errors.As(err, &pe) {
		if pe.Field != "" {
			// The field names what to fix; the message alone may not.
			return pe.Field + ": " + pe.Message
		}
		return pe.Message
	}
	return err.Error()
}

func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func (a *app) rootCommand(lookupEnv func(string) (string, bool)) *cobra.Command {
	root := &cobra.Command{
		Use:           "privet",
		Short:         "A self-hosted privacy engine: your privacy policy, running",
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          noArgs,
		RunE:          func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := config.ApplyEnv(cmd.Flags(), lookupEnv); err != nil {
				return &usageError{err}
			}
			return nil
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	a.cfg.RegisterFlags(root.PersistentFlags())
	root.AddCommand(
		a.serveCommand(),
		a.initCommand(),
		a.migrateCommand(),
		a.policyCommand(),
		a.keysCommand(),
		a.tenantsCommand(),
		a.subjectsCommand(),
		a.requestsCommand(),
		a.auditCommand(),
		a.backupCommand(),
		a.jobsCommand(),
		a.versionCommand(),
		a.loadCommand(),
		a.consentCommand(),
		a.incidentsCommand(),
		a.transfersCommand(),
		a.complaintsCommand(),
		a.disclosuresCommand(),
		a.processorsCommand(),
		a.retentionCommand(),
		a.holdsCommand(),
		a.windDownCommand(),
	)
	return root
}

// validated returns the configuration once it passes Validate.
func (a *app) validated() (config.Config, error) {
	if err := a.cfg.Validate(); err != nil {
		return a.cfg, &usageError{err}
	}
	return a.cfg, nil
}

// open opens the stores and services for a one-shot command.
func (a *app) open(cmd *cobra.Command, createMaster bool) (*Main, error) {
	cfg, err := a.validated()
	if err != nil {
		return nil, err
	}
	m := NewMain(cfg, newLogger(cfg, a.errOut))
	m.Clock = a.clock
	if err := m.Open(cmd.Context(), createMaster); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return &usageError{fmt.Errorf("unknown command or argument %q for %q", args[0], cmd.CommandPath())}
	}
	return nil
}

func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return &usageError{err}
		}
		return nil
	}
}

func minArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MinimumNArgs(n)(cmd, args); err != nil {
			return &usageError{err}
		}
		return nil
	}
}

// printJSON writes v to the command's output as indented JSON, the form
// every command that prints a record uses.
func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
