import { existsSync } from "node:fs";
import { parseConfig } from "../config";
import { openDatabase, pgliteDirIn, type Database, type DatabaseTarget } from "../db/database";
import { SpeError } from "../errors";
import { UsageError } from "./usage";

export const AUDIT_DATABASE_OPTIONS = { "database-url": { type: "string" }, "data-dir": { type: "string" } } as const;

/**
 * The orchestrator's database, as the CLI is told or as the orchestrator would find it: --database-url,
 * else --data-dir, else DATABASE_URL, else DATA_DIR (default ./.spe). A database that cannot be opened
 * is a problem with the call: the CLI says which and exits 2.
 */
export async function openAuditDatabase(values: {
  "database-url"?: string | undefined;
  "data-dir"?: string | undefined;
}): Promise<Database> {
  const url = values["database-url"] ?? (values["data-dir"] ? undefined : process.env.DATABASE_URL || undefined);
  // Read as the database is: the auditor's role may be one that can create nothing, and the orchestrator migrates.
  if (url) return open({ url, migrate: false }, "");
  const dataDir = values["data-dir"] ?? parseConfig({ DATA_DIR: process.env.DATA_DIR }).DATA_DIR;
  const pgliteDir = pgliteDirIn(dataDir);
  // Opening a folder that does not exist would create an empty database and call its log intact.
  if (!existsSync(pgliteDir))
    throw new UsageError(
      `There is no embedded database in ${dataDir} (no ${pgliteDir}). Give --data-dir or --database-url.`,
    );
  return open(
    { pgliteDir },
    " The embedded database (PGlite) cannot be opened by two processes at once: stop the orchestrator that uses this data directory first, or run against PostgreSQL with --database-url.",
  );
}

async function open(target: DatabaseTarget, hint: string): Promise<Database> {
  try {
    return await openDatabase(target);
  } catch (err) {
    if (err instanceof SpeError) throw new UsageError(`${err.code}: ${err.message}${hint}`);
    throw err;
  }
}
