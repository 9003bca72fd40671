import { sql } from "drizzle-orm";
import { afterAll, describe, expect, inject, it } from "vitest";
import { freshPostgresUrl } from "../../test/fresh-postgres";
import { openDatabase, type Database } from "./database";
import { sessions } from "./schema";

// Both drivers answer execute() with { rows }; the shared database type does not say so.
const rowsOf = (result: unknown) => (result as { rows: Array<Record<string, unknown>> }).rows;

/** Tables, columns with types and nullability, and indexes: what the migrations made, comparably. */
async function describeSchema(database: Database) {
  const columns = await database.db.execute(sql`
    select table_name, column_name, data_type, is_nullable, column_default
    from information_schema.columns where table_schema = 'public' order by table_name, column_name`);
  const indexes = await database.db.execute(sql`
    select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by indexname`);
  return { columns: rowsOf(columns), indexes: rowsOf(indexes) };
}

describe("one migration set on PGlite and on PostgreSQL", () => {
  const opened: Database[] = [];
  afterAll(async () => {
    for (const d of opened) await d.close();
  });

  it("produces the same schema on both, and both store and read a row alike", async () => {
    const lite = await openDatabase({ memory: true });
    const postgres = await openDatabase({ url: await freshPostgresUrl() });
    opened.push(lite, postgres);
    expect(lite.kind).toBe("pglite");
    expect(postgres.kind).toBe("postgres");

    const [liteSchema, pgSchema] = [await describeSchema(lite), await describeSchema(postgres)];
    expect(liteSchema.columns.length).toBeGreaterThan(0);
    expect(liteSchema.columns.map((c) => c.table_name)).toContain("sessions");
    expect(pgSchema).toEqual(liteSchema);

    const now = new Date("2026-11-22T12:00:00.000Z");
    const row = {
      tokenHash: "h",
      subject: "alice",
      name: "Alice",
      email: null,
      roles: ["researcher"],
      idToken: null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now,
    };
    for (const d of [lite, postgres]) {
      await d.db.insert(sessions).values(row);
      expect(await d.db.select().from(sessions)).toEqual([row]);
    }
  });

  it("applies migrations once: opening an existing database again changes nothing", async () => {
    const url = await freshPostgresUrl();
    const first = await openDatabase({ url });
    const before = await describeSchema(first);
    await first.close();
    const second = await openDatabase({ url });
    opened.push(second);
    expect(await describeSchema(second)).toEqual(before);
  });

  it("says which database it could not open, without the password", async () => {
    const url = new URL(inject("postgresUrl"));
    url.password = "s3cret";
    url.pathname = "/does_not_exist";
    const err = await openDatabase({ url: url.href }).then(
      () => undefined,
      (e: unknown) => e as Error & { code: string },
    );
    expect(err?.code).toBe("DATABASE_UNAVAILABLE");
    expect(err?.message).toContain("/does_not_exist");
    expect(err?.message).not.toContain("s3cret");
  });
});
