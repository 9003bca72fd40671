// `npm run cluster:build`: build (or find) the control-plane binaries without starting anything. CI runs it
// before the tests so that the one-time build shows its progress on its own.
import { ensureBinaries } from "./binaries";
import { LocalClusterError } from "./errors";

try {
  const binaries = await ensureBinaries();
  console.log(Object.entries(binaries).map(([name, path]) => `${name}: ${path}`).join("\n"));
} catch (err) {
  console.error(err instanceof LocalClusterError ? `${err.code}: ${err.message}` : err);
  process.exit(1);
}
