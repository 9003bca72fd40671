export { startLocalNode, PROBE_IMAGE, type LocalNode, type LocalNodeOptions } from "./node";
export { nodeCapability, type NodeCapability } from "./capability";
export { ensureNodeBinaries, nodeCacheDir, type NodeBinaries } from "./node-binaries";
export { LocalNodeError, type LocalNodeErrorCode } from "./errors";
export type { ProbeImage } from "./image";
export { startNodeForOrchestrator, importProgramImages, relayToOrchestrator, standInWorkspaceImages, type EnvironmentImages } from "./for-orchestrator";
