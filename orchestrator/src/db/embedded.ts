import { PGlite } from "@electric-sql/pglite";
import type { Db } from "./database";

/**
 * Whether the database is embedded PGlite in this process rather than a PostgreSQL server: no other
 * process writes it, and listening to it cannot go silent (the listener is the database itself).
 */
export function isPglite(db: Db): boolean {
  return (db as { $client?: unknown }).$client instanceof PGlite;
}
