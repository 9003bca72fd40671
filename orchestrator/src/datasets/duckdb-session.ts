import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";

/** Enough for the identifier map and the join of a register extract; DuckDB spills the rest to disk. */
export const DEFAULT_DUCKDB_MEMORY_LIMIT = "1GB";

/**
 * Runs `work` on a fresh in-memory DuckDB whose spill files go to a private temporary folder, and removes
 * that folder afterwards: whatever DuckDB held of an extract does not outlive the call.
 */
export async function withDuckDb<T>(
  work: (conn: DuckDBConnection, instance: DuckDBInstance) => Promise<T>,
  memoryLimit = DEFAULT_DUCKDB_MEMORY_LIMIT,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "spe-duckdb-"));
  const instance = await DuckDBInstance.create(":memory:", {
    memory_limit: memoryLimit,
    temp_directory: join(dir, "spill"),
    // Everything it needs is built in; it must never fetch an extension from the network.
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  try {
    const conn = await instance.connect();
    try {
      return await work(conn, instance);
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}
