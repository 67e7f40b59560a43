package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

type buildVersion struct {
	Version, Commit, GoVersion string
}

// version reads the version from the build information the Go toolchain
// embeds, so no release step has to stamp it.
func version() buildVersion {
	v := buildVersion{Version: "dev", Commit: "unknown"}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	v.GoVersion = info.GoVersion
	if info.Main.Version != "" && info.Main.Version != "(devel)" {
		v.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			v.Commit = s.Value
		}
	}
	return v
}

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and Go version",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			v := version()
			_, err := fmt.Fprintf(a.out, "privet %s (commit %s, %s)\n", v.Version, v.Commit, v.GoVersion)
			return err
		},
	}
}
