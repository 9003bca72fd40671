import pg from "pg";
import { inject } from "vitest";
import { openDatabase, type Database } from "../db/database";

/** A fresh, empty database on the test run's PostgreSQL server, migrated; and its URL for raw clients. */
export async function freshPostgres(): Promise<{ database: Database; url: string }> {
  const admin = new pg.Client({ connectionString: inject("postgresUrl") });
  await admin.connect();
  const name = `spe_audit_${Math.random().toString(36).slice(2, 10)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(inject("postgresUrl"));
  url.pathname = `/${name}`;
  return { database: await openDatabase({ url: url.href }), url: url.href };
}

/** Runs one statement as the server's superuser on a raw connection (outside the orchestrator's pool). */
export async function asSuperuser(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
