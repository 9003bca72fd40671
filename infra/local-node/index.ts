export { startLocalNode, PROBE_IMAGE, type LocalNode, type LocalNodeOptions } from "./node";
export { nodeCapability, startCapability, type NodeCapability } from "./capability";
export { ensureNodeBinaries, nodeBinariesBuilt, nodeCacheDir, type NodeBinaries } from "./node-binaries";
export { LocalNodeError, type LocalNodeErrorCode } from "./errors";
export type { ProbeImage } from "./image";
export {
  startNodeForOrchestrator,
  importProgramImages,
  relayToOrchestrator,
  standInWorkspaceImages,
  type EnvironmentImages,
  type NodeForOrchestrator,
  type OrchestratorAddress,
} from "./for-orchestrator";
export { serviceUpstream, type ServiceUpstream } from "./pod-upstream";
export { builtWorkspaceArchive, importWorkspaceImage, WORKSPACE_ARCHIVE } from "./workspace-image";
