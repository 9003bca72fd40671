import { rm } from "node:fs/promises";
import type { Readable } from "node:stream";
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { byPath, writeEachFile } from "./local-files";
import { uploadStream } from "./s3-upload";
import { checkedNamespace, checkedPath, checkedRef } from "./staged-names";
import {
  datasetPrefix,
  deliveryPrefix,
  StagedFileUnavailable,
  type StagedDeliveryRef,
  type StagingStore,
} from "./staging-store";

export interface S3StagingSettings {
  /** An S3-compatible server's URL; without it, AWS's own endpoint for the region. */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Put before every key, e.g. `spe/`: the store uses nothing in the bucket outside it. */
  prefix: string;
  /** `https://host/bucket/key` rather than `https://bucket.host/key`: most self-hosted servers want it. */
  forcePathStyle: boolean;
  credentials: NonNullable<S3ClientConfig["credentials"]>;
  /** The size of each part of a multipart upload (at least 5 MiB, S3's floor); a file no larger goes in one PUT. */
  partBytes?: number;
  /**
   * Told when a failed multipart upload could not be aborted either: its parts stay in the bucket, unseen
   * but stored, until the bucket's lifecycle rule for incomplete uploads removes them.
   */
  onAbortFailed?: (err: unknown, key: string) => void;
}

const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

/**
 * The staging store as an S3-compatible bucket: `<prefix><namespace>/<id>@<version>/<delivery>/<file>`. Files
 * are streamed in parts, never held whole; only the orchestrator holds the bucket's credentials, and loaders
 * still fetch through the orchestrator's staging endpoint, which verifies each file's hash as it streams.
 */
export function s3StagingStore(settings: S3StagingSettings): StagingStore {
  const client = new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials: settings.credentials,
    // Our own SHA-256 checks every file on the way out; the SDK's newer default checksums are not spoken by
    // every S3-compatible server, so they are sent and checked only where the protocol requires them.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const Bucket = settings.bucket;
  const partBytes = settings.partBytes ?? DEFAULT_PART_BYTES;
  const folderOf = (d: StagedDeliveryRef) => `${settings.prefix}${deliveryPrefix(checkedRef(d))}/`;
  const keyOf = (d: StagedDeliveryRef, path: string) => `${folderOf(d)}${checkedPath(path)}`;

  async function* objectsUnder(prefix: string): AsyncGenerator<{ key: string; bytes: number }> {
    let ContinuationToken: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken }));
      for (const o of page.Contents ?? []) if (o.Key) yield { key: o.Key, bytes: o.Size ?? 0 };
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  /** Deletes every object under `prefix` but those under `keep`, a thousand keys (S3's most) per request. */
  async function deleteUnder(prefix: string, keep?: string): Promise<void> {
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const res = await client.send(
        new DeleteObjectsCommand({ Bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
      );
      batch = [];
      const failed = (res.Errors ?? []).filter((e) => e.Code !== "NoSuchKey");
      if (failed.length > 0)
        throw new Error(
          `Failed to delete ${failed.length} staged object(s) from bucket ${Bucket}, the first ${failed[0]!.Key}: ${failed[0]!.Code} ${failed[0]!.Message ?? ""}`,
        );
    };
    // Listing and deleting interleave: a deleted page does not shift the listing's continuation token.
    for await (const { key } of objectsUnder(prefix)) {
      if (keep !== undefined && key.startsWith(keep)) continue;
      batch.push(key);
      if (batch.length === 1000) await flush();
    }
    await flush();
  }

  const writeFile = async (delivery: StagedDeliveryRef, path: string, body: Readable) =>
    uploadStream(client, { Bucket, Key: keyOf(delivery, path) }, body, partBytes, settings.onAbortFailed);

  return {
    kind: "s3",
    writeFile,

    async importFolder(delivery, folder) {
      try {
        await writeEachFile(folder, (path, body) => writeFile(delivery, path, body));
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },

    async listFiles(delivery) {
      const folder = folderOf(delivery);
      const files: Array<{ path: string; bytes: number }> = [];
      for await (const { key, bytes } of objectsUnder(folder)) files.push({ path: key.slice(folder.length), bytes });
      return files.sort(byPath);
    },

    async openFile(delivery, path) {
      const Key = keyOf(delivery, path);
      try {
        const res = await client.send(new GetObjectCommand({ Bucket, Key }));
        if (!res.Body || res.ContentLength === undefined) {
          // An unread body holds its connection until destroyed.
          (res.Body as Readable | undefined)?.destroy();
          throw new StagedFileUnavailable("the bucket answered without a body or length");
        }
        return { bytes: res.ContentLength, body: res.Body as Readable };
      } catch (err) {
        if (err instanceof StagedFileUnavailable) throw err;
        throw new StagedFileUnavailable(
          err instanceof S3ServiceException ? err.name : ((err as NodeJS.ErrnoException).code ?? (err as Error).name),
          { cause: err },
        );
      }
    },

    deleteDelivery: async (delivery) => deleteUnder(folderOf(delivery)),
    deleteOtherDeliveries: async (keep) =>
      deleteUnder(`${settings.prefix}${datasetPrefix(checkedRef(keep))}/`, folderOf(keep)),
    deleteNamespace: async (namespace) => deleteUnder(`${settings.prefix}${checkedNamespace(namespace)}/`),

    // The client's kept-alive connections would otherwise stay open for as long as the process runs.
    close: async () => client.destroy(),
  };
}
