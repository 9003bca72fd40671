import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { SpeError } from "../errors";
import { pgliteListener, postgresListener, registerListener } from "./notifications";
import { assertRuntimeCannotRewriteAudit, currentRole, grantRuntimeRights } from "./runtime-role";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: "postgres" | "pglite";
  /** Where the data lives, without credentials: a folder for PGlite, host/database for PostgreSQL. */
  location: string;
  close(): Promise<void>;
}

export const migrationsFolder = fileURLToPath(new URL("../../migrations", import.meta.url));

/**
 * PostgreSQL at `url` (the runtime role's), migrated as `migrationUrl`'s role when given (which then grants
 * the runtime role its rights) or as the runtime role itself; `migrate: false` opens it as it is (for the
 * CLI's readers, whose role may create nothing). Or embedded PGlite in a folder, or in memory.
 */
export type DatabaseTarget =
  { url: string; migrationUrl?: string; migrate?: boolean } | { pgliteDir: string } | { memory: true };

function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
}

/** Opens PostgreSQL (a URL) or embedded PGlite (a folder, or memory) and applies every migration. */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if ("url" in target) {
    const pool = new pg.Pool({ connectionString: target.url, max: 10 });
    try {
      const db = drizzlePg(pool, { schema });
      if (target.migrationUrl) await migrateAsOwner(target.migrationUrl, pool);
      else if (target.migrate !== false) await migratePg(db, { migrationsFolder });
      const listener = postgresListener(target.url);
      registerListener(db as unknown as Db, listener);
      const close = async () => {
        await listener.close();
        await pool.end();
      };
      return { db: db as unknown as Db, kind: "postgres", location: describeUrl(target.url), close };
    } catch (err) {
      await pool.end();
      if (err instanceof SpeError) throw err;
      throw new SpeError(
        "DATABASE_UNAVAILABLE",
        `Could not open PostgreSQL at ${describeUrl(target.url)}: ${(err as Error).message}. Check DATABASE_URL.`,
        { cause: err },
      );
    }
  }
  const dir = "pgliteDir" in target ? target.pgliteDir : undefined;
  if (dir) mkdirSync(dir, { recursive: true });
  const client = new PGlite(dir);
  try {
    const db = drizzlePglite(client, { schema });
    await migratePglite(db, { migrationsFolder });
    registerListener(db as unknown as Db, pgliteListener(client));
    return { db: db as unknown as Db, kind: "pglite", location: dir ?? "memory", close: () => client.close() };
  } catch (err) {
    await client.close();
    throw new SpeError(
      "DATABASE_UNAVAILABLE",
      `Could not open the embedded database in ${dir ?? "memory"}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/**
 * Applies the migrations as the migration role, grants the runtime role (the pool's) its rights, and checks
 * that the runtime role cannot rewrite the audit log after all.
 */
async function migrateAsOwner(migrationUrl: string, runtime: pg.Pool): Promise<void> {
  const owner = new pg.Pool({ connectionString: migrationUrl, max: 1 });
  try {
    await migratePg(drizzlePg(owner), { migrationsFolder });
    const [ownerRole, runtimeRole] = [await currentRole(owner), await currentRole(runtime)];
    if (ownerRole === runtimeRole)
      throw new SpeError(
        "CONFIG_INVALID",
        `DATABASE_URL and DATABASE_MIGRATION_URL are both the role ${runtimeRole}: give the orchestrator a role of its own.`,
      );
    await grantRuntimeRights(owner, runtimeRole);
    await assertRuntimeCannotRewriteAudit(runtime);
  } finally {
    await owner.end();
  }
}

/** The embedded database's folder for a data directory. */
export const pgliteDirIn = (dataDir: string) => join(dataDir, "pglite");
