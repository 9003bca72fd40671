// `npm run pulumi:build`: build (or find) the Pulumi CLI and its Kubernetes provider without running anything,
// so that CI shows the one-time build's progress on its own before the real-engine test (infra/pulumi).
import { ensurePulumiBinaries } from "./binaries";
import { LocalPulumiError } from "./errors";

try {
  const { bin } = await ensurePulumiBinaries();
  console.log(`pulumi: ${bin}/pulumi\npulumi-resource-kubernetes: ${bin}/pulumi-resource-kubernetes`);
} catch (err) {
  console.error(err instanceof LocalPulumiError ? `${err.code}: ${err.message}` : err);
  process.exit(1);
}
