import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parse } from "csv-parse";
import { z } from "zod";
import { SpeError } from "../errors";
import { CSV_COLUMNS, exportHeaderSchema, type ExportHeader } from "./audit-export";
import type { AuditEvent } from "./audit-hash";

/** An event as an export holds it: what was hashed, and the hash. Anything else is not an event of ours. */
const eventSchema = z.strictObject({
  sequence: z.int().positive(),
  time: z.string(),
  actor: z.strictObject({ subject: z.string(), role: z.string(), address: z.string().nullable() }),
  action: z.string(),
  target: z.string(),
  details: z.record(z.string(), z.unknown()),
  previousHash: z.string(),
  hash: z.string(),
});

export interface AuditExportFile {
  header: ExportHeader;
  format: "jsonl" | "csv";
  /** The events in the file's order, read as they are needed (an export can be the whole log). */
  events: () => AsyncGenerator<AuditEvent>;
}

const invalid = (file: string, what: string) =>
  new SpeError("AUDIT_EXPORT_INVALID", `${file} is not an audit export of this orchestrator: ${what}.`);

/**
 * Opens an export as the auditors' page or `GET /audit/export.{jsonl,csv}` wrote it: its first line is the
 * header (in CSV after `# `), then one event a line (in CSV after a line of column names).
 */
export async function openAuditExport(file: string): Promise<AuditExportFile> {
  const first = await firstLine(file);
  const csv = first.startsWith("# ");
  let header: ExportHeader;
  try {
    header = exportHeaderSchema.parse(JSON.parse(csv ? first.slice(2) : first));
  } catch {
    throw invalid(file, "its first line is not the header an export starts with");
  }
  const check = (value: unknown, line: number): AuditEvent => {
    const parsed = eventSchema.safeParse(value);
    if (!parsed.success) throw invalid(file, `line ${line} is not an audit event`);
    return parsed.data;
  };
  return {
    header,
    format: csv ? "csv" : "jsonl",
    events: () => (csv ? csvEvents(file, check) : jsonlEvents(file, check)),
  };
}

async function firstLine(file: string): Promise<string> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  try {
    for await (const line of lines) return line;
    return "";
  } finally {
    lines.close();
  }
}

async function* jsonlEvents(file: string, check: (value: unknown, line: number) => AuditEvent) {
  let number = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    number += 1;
    if (number === 1 || line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    yield check(value, number);
  }
}

async function* csvEvents(file: string, check: (value: unknown, line: number) => AuditEvent) {
  // Every value the exporter writes is quoted: an unquoted empty field is a null (an actor without address).
  const rows = createReadStream(file).pipe(
    parse({
      // The header line, and only a line that starts with it: a # inside a quoted value is data.
      comment: "#",
      comment_no_infix: true,
      columns: (names: string[]) => {
        if (names.join(",") !== CSV_COLUMNS.join(",")) throw new Error("columns");
        return names;
      },
      cast: (value, context) => (context.quoting || value !== "" ? value : null),
    }),
  );
  let number = 2; // the header and the column names before the first event
  try {
    for await (const row of rows as AsyncIterable<Record<(typeof CSV_COLUMNS)[number], string | null>>) {
      number += 1;
      let details: unknown;
      try {
        details = JSON.parse(row.details ?? "");
      } catch {
        details = undefined;
      }
      yield check(
        {
          sequence: Number(row.sequence),
          time: row.time,
          actor: { subject: row.actor_subject, role: row.actor_role, address: row.actor_address },
          action: row.action,
          target: row.target,
          details,
          previousHash: row.previous_hash,
          hash: row.hash,
        },
        number,
      );
    }
  } catch (err) {
    if (err instanceof SpeError) throw err;
    throw invalid(file, `line ${number + 1} is not CSV with the export's columns`);
  }
}
