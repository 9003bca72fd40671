import type { Readable } from "node:stream";

/** One staged delivery: `<namespace>/<dataset id>@<version>/<delivery id>/` in every store. */
export interface StagedDeliveryRef {
  namespace: string;
  datasetId: string;
  datasetVersion: string;
  id: string;
}

/** A staged file opened for reading: its size, and its bytes as a stream the caller must consume or destroy. */
export interface OpenedStagedFile {
  bytes: number;
  body: Readable;
}

/**
 * Where pseudonymised deliveries wait for their environment's data loader, which fetches them through the
 * orchestrator's staging endpoint and never from the store itself: the environment's namespace reaches only
 * the orchestrator, and no credential of the store is ever in a namespace. Two implementations: a directory
 * (the default) and an S3-compatible bucket. Every method streams; none holds a whole file in memory.
 */
export interface StagingStore {
  /** Names the store for logs and teardown records, without any secret: `directory` or `s3`. */
  readonly kind: "directory" | "s3";
  /**
   * Streams `body` into the delivery's file `path` (relative, `/`-separated), replacing any file there. On
   * failure `body` is destroyed, read or not, so that whatever it holds open (a file, a socket) is let go.
   */
  writeFile(delivery: StagedDeliveryRef, path: string, body: Readable): Promise<void>;
  /**
   * Moves every file of a local folder (as the pseudonymisation left it, subfolders included) into the
   * delivery; the local folder is gone afterwards, whether or not the move succeeded.
   */
  importFolder(delivery: StagedDeliveryRef, folder: string): Promise<void>;
  /** The delivery's files, sorted by path; empty when nothing is staged under it. */
  listFiles(delivery: StagedDeliveryRef): Promise<Array<{ path: string; bytes: number }>>;
  /** Opens one file of the delivery; throws StagedFileUnavailable when it is missing or cannot be read. */
  openFile(delivery: StagedDeliveryRef, path: string): Promise<OpenedStagedFile>;
  /** Removes the delivery's files (nothing there is no error). */
  deleteDelivery(delivery: StagedDeliveryRef): Promise<void>;
  /** Removes every other delivery of the same dataset version in the same namespace: a re-delivery replaces them. */
  deleteOtherDeliveries(keep: StagedDeliveryRef): Promise<void>;
  /** Removes everything staged for a namespace (teardown). */
  deleteNamespace(namespace: string): Promise<void>;
  /** Lets go of what the store holds open (a bucket's connections); call once nothing uses it any more. */
  close(): Promise<void>;
}

/** A staged file the store cannot give: `reason` is for the operators' log and the audit event, never a secret. */
export class StagedFileUnavailable extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`The staged file cannot be read: ${reason}`, options);
    this.name = new.target.name;
  }
}

/** The folder of a dataset version in a namespace, relative to the store's root: `<namespace>/<id>@<version>`. */
export const datasetPrefix = (d: Pick<StagedDeliveryRef, "namespace" | "datasetId" | "datasetVersion">) =>
  `${d.namespace}/${d.datasetId}@${d.datasetVersion}`;

/** The folder of one delivery, relative to the store's root. */
export const deliveryPrefix = (d: StagedDeliveryRef) => `${datasetPrefix(d)}/${d.id}`;
