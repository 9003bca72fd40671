// `npm run cluster:build`: build (or find) the control-plane binaries without starting anything. CI runs it
// before the tests so that the one-time build shows its progress on its own. With SPE_LOCAL_NODE=1 it also
// builds the local node's kubelet, kube-scheduler and probe (infra/local-node).
import { ensureNodeBinaries } from "../local-node/node-binaries";
import { LocalNodeError } from "../local-node/errors";
import { ensureBinaries } from "./binaries";
import { LocalClusterError } from "./errors";

try {
  const binaries = {
    ...(await ensureBinaries()),
    ...(process.env.SPE_LOCAL_NODE === "1" ? await ensureNodeBinaries() : {}),
  };
  console.log(
    Object.entries(binaries)
      .map(([name, path]) => `${name}: ${path}`)
      .join("\n"),
  );
} catch (err) {
  console.error(
    err instanceof LocalClusterError || err instanceof LocalNodeError ? `${err.code}: ${err.message}` : err,
  );
  process.exit(1);
}
