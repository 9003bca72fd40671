import pg from "pg";
import { freshPostgresUrl } from "../../test/fresh-postgres";
import { openDatabase, type Database } from "../db/database";

/** A fresh, empty database on the test run's PostgreSQL server, migrated; and its URL for raw clients. */
export async function freshPostgres(): Promise<{ database: Database; url: string }> {
  const url = await freshPostgresUrl("spe_audit");
  return { database: await openDatabase({ url }), url };
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
