import { DuckDBConnection, DuckDBDataChunk, VARCHAR, type DuckDBInstance } from "@duckdb/node-api";
import type { ColumnDescriptor } from "./descriptor";
import { ident } from "./extract-file";
import { HmacPool } from "./hmac-pool";
import { parseIdentifier, type IdentifierProblem } from "./personnummer";

/**
 * The table that maps each distinct identifier text of the extract to its person: `raw` the text as
 * delivered, `person` its pseudonym (or, when only validating, its canonical 12-digit form — one person,
 * one value, whatever the form), `problem` why it is invalid. Not TEMP: the appender writes it from a second
 * connection while the first still streams the distinct values (a connection's own writes would end its
 * open stream). The database is private, in memory, and gone after.
 */
export const IDENTIFIER_TABLE = "identifiers";

/** Batches of HMACs in flight at once: enough to keep the workers busy, few enough to bound memory. */
const IN_FLIGHT = 8;

export interface IdentifierCounts {
  distinct: number;
  invalid: number;
}

/**
 * Reads each distinct value of the direct-identifier columns once, validates it, and — given a permit key —
 * computes its pseudonym from the canonical 12-digit form (in worker threads). Fills IDENTIFIER_TABLE for a
 * join back onto the rows; an invalid value gets a problem and no person.
 */
export async function buildIdentifierTable(
  { instance, conn }: { instance: DuckDBInstance; conn: DuckDBConnection },
  source: string,
  columns: readonly ColumnDescriptor[],
  options: { referenceDate: Date; permitKey?: Buffer },
): Promise<IdentifierCounts> {
  await conn.run(`CREATE OR REPLACE TABLE ${IDENTIFIER_TABLE} (raw VARCHAR, person VARCHAR, problem VARCHAR)`);
  if (columns.length === 0) return { distinct: 0, invalid: 0 };
  const values = columns.map((c) => `SELECT ${ident(c.name)} AS v FROM ${source}`).join(" UNION ALL ");
  const result = await conn.stream(`SELECT DISTINCT v FROM (${values}) WHERE v IS NOT NULL`);
  const writer = await DuckDBConnection.create(instance);
  const appender = await writer.createAppender(IDENTIFIER_TABLE);
  const pool = options.permitKey ? new HmacPool(options.permitKey) : undefined;
  const inFlight: Promise<void>[] = [];
  const counts = { distinct: 0, invalid: 0 };
  const append = (raws: string[], persons: (string | null)[], problems: (IdentifierProblem | null)[]) => {
    const out = DuckDBDataChunk.create([VARCHAR, VARCHAR, VARCHAR], raws.length);
    out.setColumns([raws, persons, problems]);
    appender.appendDataChunk(out);
  };
  try {
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const raws = chunk.getColumnValues(0) as string[];
      const canonicals: (string | null)[] = new Array(raws.length);
      const problems: (IdentifierProblem | null)[] = new Array(raws.length);
      for (let i = 0; i < raws.length; i++) {
        const parsed = parseIdentifier(raws[i]!, options.referenceDate);
        canonicals[i] = parsed.ok ? parsed.canonical : null;
        problems[i] = parsed.ok ? null : parsed.problem;
        if (!parsed.ok) counts.invalid++;
      }
      counts.distinct += raws.length;
      if (!pool) append(raws, canonicals, problems);
      else {
        if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
        inFlight.push(pool.hash(canonicals).then((pseudonyms) => append(raws, pseudonyms, problems)));
      }
    }
    await Promise.all(inFlight);
  } finally {
    await pool?.close();
    appender.closeSync();
    writer.closeSync();
  }
  return counts;
}
