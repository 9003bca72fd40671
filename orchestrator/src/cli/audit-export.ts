import { once } from "node:events";
import { parseArgs } from "node:util";
import { exportedEvents, exportHeader, jsonLine } from "../audit/audit-export";
import { AUDIT_DATABASE_OPTIONS, openAuditDatabase } from "./audit-database";
import { checkpointSource } from "./audit-verify";
import { EXIT, UsageError } from "./usage";

/**
 * `spe audit export [--since ISO-TIME] [--database-url URL | --data-dir DIR] [--checkpoints DIR]
 * [--checkpoint-keys FILE]`: JSON Lines on standard output, in the form the auditors' download has: a first line
 * naming the log's head and the latest signed checkpoint, then the events up to that head, so that
 * `spe audit verify --export` holds the file to the chain.
 */
export async function auditExport(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...AUDIT_DATABASE_OPTIONS,
      since: { type: "string" },
      checkpoints: { type: "string" },
      "checkpoint-keys": { type: "string" },
    },
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError("spe audit export takes no arguments besides its options.");
  const since = values.since === undefined ? undefined : new Date(values.since);
  if (since && Number.isNaN(since.getTime()))
    throw new UsageError(`--since ${values.since} is not a time: give an ISO 8601 time such as 2026-01-01T00:00:00Z.`);
  const checkpoints = await checkpointSource(values);
  const database = await openAuditDatabase(values);
  // Wait when the pipe is full, so that a long log is streamed, not buffered.
  const write = async (line: string) => {
    if (!process.stdout.write(line)) await once(process.stdout, "drain");
  };
  try {
    // --since is the auditors' "from" filter: an export from a time on is a filtered one.
    const header = await exportHeader(database.db, since ? { from: since.toISOString() } : {}, checkpoints);
    await write(jsonLine(header));
    for await (const event of exportedEvents(database.db, { from: since }, header.head)) await write(jsonLine(event));
    return EXIT.ok;
  } finally {
    await database.close();
  }
}
