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
}

/** Runs the disclosure checks of a profile on a file already in quarantine. */
export type CheckOutputFile = (input: { file: string; type: OutputFileType; profile: string }) => Promise<FileCheck>;
