import { DuckDBConnection, DuckDBDataChunk, VARCHAR, type DuckDBInstance } from "@duckdb/node-api";
import type { ColumnDescriptor } from "./descriptor";
import { ident } from "./extract-file";
import { parseIdentifier, type IdentifierProblem } from "./personnummer";
import { pseudonymOf } from "./pseudonym-key";

/**
 * The table that maps each distinct identifier text of the extract to what became of it. Not TEMP: the
 * appender writes it from a second connection while the first still streams the distinct values (a
 * connection's own writes would end its open stream). The database is private, in memory, and gone after.
 */
export const IDENTIFIER_TABLE = "identifiers";

export interface IdentifierCounts {
  distinct: number;
  invalid: number;
}

/**
 * Reads each distinct value of the direct-identifier columns once, validates it, and — given a permit key —
 * computes its pseudonym from the canonical 12-digit form. Fills IDENTIFIER_TABLE (raw, canonical,
 * pseudonym, problem) for a join back onto the rows; an invalid value gets a problem and no pseudonym.
 */
export async function buildIdentifierTable(
  { instance, conn }: { instance: DuckDBInstance; conn: DuckDBConnection },
  source: string,
  columns: readonly ColumnDescriptor[],
  options: { referenceDate: Date; permitKey?: Buffer },
): Promise<IdentifierCounts> {
  await conn.run(`CREATE OR REPLACE TABLE ${IDENTIFIER_TABLE} (raw VARCHAR, canonical VARCHAR, pseudonym VARCHAR, problem VARCHAR)`);
  if (columns.length === 0) return { distinct: 0, invalid: 0 };
  const values = columns.map((c) => `SELECT ${ident(c.name)} AS v FROM ${source}`).join(" UNION ALL ");
  const result = await conn.stream(`SELECT DISTINCT v FROM (${values}) WHERE v IS NOT NULL`);
  const writer = await DuckDBConnection.create(instance);
  const appender = await writer.createAppender(IDENTIFIER_TABLE);
  const counts = { distinct: 0, invalid: 0 };
  const { referenceDate, permitKey } = options;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const raws = chunk.getColumnValues(0) as string[];
    const canonical: (string | null)[] = new Array(raws.length);
    const pseudonyms: (string | null)[] = new Array(raws.length);
    const problems: (IdentifierProblem | null)[] = new Array(raws.length);
    for (let i = 0; i < raws.length; i++) {
      const parsed = parseIdentifier(raws[i]!, referenceDate);
      if (parsed.ok) {
        canonical[i] = parsed.canonical;
        pseudonyms[i] = permitKey ? pseudonymOf(permitKey, parsed.canonical) : null;
        problems[i] = null;
      } else {
        canonical[i] = pseudonyms[i] = null;
        problems[i] = parsed.problem;
        counts.invalid++;
      }
    }
    counts.distinct += raws.length;
    const out = DuckDBDataChunk.create([VARCHAR, VARCHAR, VARCHAR, VARCHAR], raws.length);
    out.setColumns([raws, canonical, pseudonyms, problems]);
    appender.appendDataChunk(out);
  }
  appender.closeSync();
  writer.closeSync();
  return counts;
}
