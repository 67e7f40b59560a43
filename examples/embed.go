// Package examples holds the policies of the seed services as code, embedded
// so the binary can serve a demo without any file beside it.
package examples

import "embed"

// FS holds every example's policy.yaml, at <service>/policy.yaml.
//
//go:embed */policy.yaml
var FS embed.FS
