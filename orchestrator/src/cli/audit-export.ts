import { once } from "node:events";
import { parseArgs } from "node:util";
import { auditEventsInOrder } from "../audit/audit-events-query";
import { AUDIT_DATABASE_OPTIONS, openAuditDatabase } from "./audit-database";
import { EXIT, UsageError } from "./usage";

/** `spe audit export [--since ISO-TIME] [--database-url URL | --data-dir DIR]`: JSON Lines on standard output. */
export async function auditExport(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { ...AUDIT_DATABASE_OPTIONS, since: { type: "string" } },
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError("spe audit export takes no arguments besides its options.");
  const since = values.since === undefined ? undefined : new Date(values.since);
  if (since && Number.isNaN(since.getTime()))
    throw new UsageError(`--since ${values.since} is not a time: give an ISO 8601 time such as 2026-01-01T00:00:00Z.`);
  const database = await openAuditDatabase(values);
  try {
    for await (const event of auditEventsInOrder(database.db, { since })) {
      // Wait when the pipe is full, so that a long log is streamed, not buffered.
      if (!process.stdout.write(`${JSON.stringify(event)}\n`)) await once(process.stdout, "drain");
    }
    return EXIT.ok;
  } finally {
    await database.close();
  }
}
