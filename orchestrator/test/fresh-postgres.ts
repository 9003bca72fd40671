import pg from "pg";
import { inject } from "vitest";
import { openDatabase, type Database } from "../src/db/database";

/** The URL of a fresh, empty database on the test run's PostgreSQL server. */
export async function freshPostgresUrl(prefix = "spe_test"): Promise<string> {
  const admin = new pg.Client({ connectionString: inject("postgresUrl") });
  await admin.connect();
  const name = `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(inject("postgresUrl"));
  url.pathname = `/${name}`;
  return url.href;
}

/**
 * The two databases the orchestrator runs on, each opened empty and migrated when called, for tests that
 * must hold on both (`describe.each`): embedded PGlite and a fresh database on the run's PostgreSQL server.
 */
export function bothDatabases(prefix: string): Array<[string, () => Promise<Database>]> {
  return [
    ["PGlite", () => openDatabase({ memory: true })],
    ["PostgreSQL", async () => openDatabase({ url: await freshPostgresUrl(prefix) })],
  ];
}
