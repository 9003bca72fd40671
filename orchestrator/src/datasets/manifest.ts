import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { ColumnRole } from "./descriptor";

/**
 * What a pseudonymised delivery holds, written beside its Parquet file(s) as manifest.json. It names no
 * person and no raw value: counts, column names and types, file hashes.
 */
export interface DeliveryManifest {
  manifestVersion: 1;
  dataset: {
    id: string;
    version: string;
    /** SHA-256 of the parsed descriptor (JSON), so that a later change to the descriptor file shows. */
    descriptorSha256: string;
  };
  permitId: string;
  createdAt: string;
  rows: number;
  columns: ManifestColumn[];
  /** Paths relative to the manifest's folder. */
  files: { path: string; rows: number; bytes: number; sha256: string }[];
  pseudonymisation: {
    algorithm: "HMAC-SHA-256";
    keyDerivation: "HKDF-SHA-256";
    keyInfo: string;
    /** Distinct identifier values pseudonymised (different forms of one person's number count apart). */
    distinctIdentifiers: number;
    /** The input columns removed (role drop). */
    droppedColumns: string[];
  };
  input: { format: "csv" | "parquet"; bytes: number };
}

export interface ManifestColumn {
  name: string;
  /** The DuckDB/Parquet type: VARCHAR, BIGINT, DOUBLE, DATE. */
  type: string;
  role: Exclude<ColumnRole, "drop">;
  /** For a pseudonym: the input column it replaces. */
  pseudonymOf?: string;
}

/** The SHA-256 of a file's bytes, read as a stream. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
