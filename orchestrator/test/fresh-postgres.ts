import pg from "pg";
import { inject } from "vitest";

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
