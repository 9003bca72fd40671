export { startLocalCluster, type LocalCluster, type StartOptions } from "./cluster";
export {
  ensureBinaries,
  binaryCacheDir,
  KUBERNETES_VERSION,
  ETCD_VERSION,
  type ControlPlaneBinaries,
} from "./binaries";
export { LocalClusterError, type LocalClusterErrorCode } from "./errors";
export { IDENTITIES } from "./pki";
export { readClusterState } from "./state";
export { freePort } from "./processes";
export { installPlatform, platformObjects, PLATFORM_NAMESPACE } from "./install-platform";
