// The Kubernetes resource provider's command, as the provider's own cmd/pulumi-resource-kubernetes has it. That
// package embeds a schema generated at release time that its module does not ship, so this copy embeds the one
// the build writes beside it from the module's schema.json (infra/local-pulumi/binaries.ts).
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
