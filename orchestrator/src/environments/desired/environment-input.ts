import type { ServedToolName } from "../../tools/tool-registry";
import type { PermitPayload } from "../../permits/permit";

/** What desiredObjects needs of an environment: its permit and what we want of it now. */
export interface EnvironmentInput {
  namespace: string;
  permit: PermitPayload;
  /** suspended: everything stays, but no workspace runs. */
  desiredState: "active" | "suspended";
  /** The newest staged delivery of each of the permit's datasets that has one; none staged when absent. */
  staged?: readonly StagedDataset[];
  /**
   * A workspace each for the permit's persons, in the permit's order (environments/workspace-persons.ts):
   * computed with the installation's keys outside, so that this stays pure and no identity reaches a name.
   */
  persons: readonly WorkspacePerson[];
  /**
   * The name of the project folder's claim. `home` for an environment made before each person had a
   * workspace of their own: its one shared home becomes the project folder, so nothing anyone saved is lost.
   */
  projectClaim?: "project" | "home";
  /**
   * The homes of persons no longer in the permit: kept as they are until teardown (or until an operator
   * deletes one), never pruned; their workspaces are gone.
   */
  keptHomes?: readonly KeptHome[];
  /**
   * The size each of the environment's claims has now, by name: a claim keeps it, since a claim cannot
   * shrink and only some storage classes let it grow. Only new claims are sized from the permit.
   */
  claimSizes?: Readonly<Record<string, string>>;
}

/** A departed person's home claim, by its name and the size it has. */
export interface KeptHome {
  name: string;
  storage: string;
}

/** One person's workspace as Kubernetes may know it: no name, e-mail or subject. */
export interface WorkspacePerson {
  /** Opaque and stable (gateway/workspace-identities.ts): names the person's pod, claim and Service. */
  id: string;
  /** The credential of the person's tool server, which only the gateway presents. */
  token: string;
  /** The credential the person's pip presents to the package mirror (mirror/mirror-clients.ts). */
  mirrorPassword?: string;
  /** The origin of the person's workspace host, the only one the tool accepts its own API calls from. */
  origin?: string;
  /**
   * Whether the person has opened their workspace since it was last stopped (environments/workspace-wishes.ts):
   * only then does it run. A workspace nobody uses holds no share of the environment's CPU and memory.
   */
  started?: boolean;
  /** The tool the person picked among the permit's (tools/tool-registry.ts); absent: the permit's first. */
  tool?: ServedToolName;
}

/** A pseudonymised delivery waiting in staging for the environment's data loader. */
export interface StagedDataset {
  datasetId: string;
  version: string;
  deliveryId: string;
  /** SHA-256 of the delivery's manifest; the loader checks every file against the manifest's hashes. */
  manifestSha256: string;
  files: Array<{ path: string; sha256: string }>;
}

/** The permit's datasets (id@version) that have no staged delivery yet. */
export function datasetsAwaitingDelivery({
  permit,
  staged = [],
}: Pick<EnvironmentInput, "permit" | "staged">): string[] {
  return permit.datasets
    .map((d) => `${d.id}@${d.version}`)
    .filter((key) => !staged.some((s) => `${s.datasetId}@${s.version}` === key));
}
