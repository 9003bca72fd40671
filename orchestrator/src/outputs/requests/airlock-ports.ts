import type { OutputFileType } from "./output-file-type";

/** A file in an environment's outbox, as its airlock agent lists it. */
export interface OutboxFile {
  path: string;
  size: number;
  modified: string;
}

/** The way into environments' outboxes: through each environment's airlock agent, read-only. */
export interface Outbox {
  list(namespace: string): Promise<OutboxFile[]>;
  /** Streams one file to `destination`, hashing as it goes; refuses (throws) past `maxBytes`. */
  copy(
    namespace: string,
    path: string,
    destination: string,
    maxBytes: number,
  ): Promise<{ sha256: string; size: number }>;
}

export type CheckStatus = "pass" | "review" | "fail";

/** The automated disclosure check of one quarantined file, as stored with the file and shown to checkers. */
export interface FileCheck {
  status: CheckStatus;
  report: Record<string, unknown>;
  /** What is kept and released instead of the file as submitted: an image re-encoded to a fresh raster. */
  released?: Uint8Array;
}

/**
 * Runs the disclosure checks of a profile on a file already in quarantine (`file`); `name` is its path in
 * the outbox, whose ending its content must match.
 */
export type CheckOutputFile = (input: {
  file: string;
  name: string;
  type: OutputFileType;
  profile: string;
}) => Promise<FileCheck>;
