package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/privet-dev/privet/policy"
)

func (a *app) policyCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "policy", Short: "Check, render and explain policy files; publish and list a tenant's versions", Args: noArgs}
	var format string
	render := &cobra.Command{
		Use:   "render FILE",
		Short: "Render a policy as the notice people read (md or html)",
		Args:  exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			c, err := policy.Load(args[0])
			if err != nil {
				return err
			}
			switch format {
			case "md", "markdown":
				return policy.RenderMarkdown(c, a.out)
			case "html":
				return policy.RenderHTML(c, a.out)
			}
			return &usageError{fmt.Errorf("--format: must be md or html")}
		},
	}
	render.Flags().StringVar(&format, "format", "md", "output format: md or html")
	cmd.AddCommand(
		&cobra.Command{
			Use:   "check FILE...",
			Short: "Validate policy files; print file:line:col for each problem",
			Args:  minArgs(1),
			RunE: func(_ *cobra.Command, args []string) error {
				failed := false
				for _, path := range args {
					if _, err := policy.Load(path); err != nil {
						failed = true
						a.printPolicyProblems(path, err)
						continue
					}
					fmt.Fprintf(a.out, "%s: ok\n", path)
				}
				if failed {
					return silentFailure{}
				}
				return nil
			},
		},
		render,
		&cobra.Command{
			Use:   "explain FILE",
			Short: "Explain in plain words what a policy allows",
			Args:  exactArgs(1),
			RunE: func(_ *cobra.Command, args []string) error {
				c, err := policy.Load(args[0])
				if err != nil {
					return err
				}
				return policy.Explain(c, a.out)
			},
		},
	)
	cmd.AddCommand(a.policyVersionCommands()...)
	return cmd
}

func (a *app) printPolicyProblems(path string, err error) {
	var ps *policy.Problems
	if errors.As(err, &ps) {
		for _, p := range ps.List {
			fmt.Fprintf(a.errOut, "%s:%s\n", path, p.String())
		}
		return
	}
	fmt.Fprintf(a.errOut, "%s: %s\n", path, privetMessage(err))
}
