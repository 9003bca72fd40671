import { availableParallelism } from "node:os";
import { DuckDBConnection, type DuckDBInstance } from "@duckdb/node-api";
import type { ColumnDescriptor } from "../descriptor";
import { ident } from "../extract-file";
import { HmacPool } from "./hmac-pool";
import { distinctCsvValues, type DistinctValues } from "./csv-identifiers";
import { CANONICAL_WIDTH, keyBatch } from "./key-batch";
import { parseIdentifier, referenceDay } from "../personnummer";

/**
 * The table that maps each distinct identifier text of the extract to its person: `raw` the text as
 * delivered, `person` its pseudonym (or, when only validating, its canonical 12-digit form — one person,
 * one value, whatever the form), `problem` why it is invalid. The database is private, in memory, and gone
 * after.
 */
export const IDENTIFIER_TABLE = "identifiers";

// The distinct values, numbered by rowid; the persons of each batch of BATCH values, as one text of
// fixed-width pieces; and the invalid values' problems. Not TEMP: a second connection appends to the last
// two while the first still streams the values (a connection's own writes would end its open stream).
const VALUES = "identifier_values";
const BATCHES = "identifier_batches";
const PROBLEMS = "identifier_problems";

/**
 * Values per batch. JavaScript hands DuckDB one text per batch instead of a value per identifier (writing
 * values one by one into DuckDB's vectors cost more than hashing them); DuckDB cuts the pieces out itself.
 */
const BATCH = 8192;
/** A pseudonym: HMAC-SHA-256 in lower-case hex. */
const PSEUDONYM_WIDTH = 64;
/** Batches hashing at once: enough to keep the workers busy, few enough to bound memory. */
const IN_FLIGHT = 8;

/**
 * The batches being hashed, at most IN_FLIGHT: `add` waits for the oldest when full, `settled` for all.
 * Awaited in order: a batch that fails while an earlier one is awaited (or after the caller threw) must not
 * be an unhandled rejection, which would end the whole orchestrator; its await still throws.
 */
function hashingQueue() {
  const inFlight: Promise<void>[] = [];
  return {
    async add(start: () => Promise<void>): Promise<void> {
      if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
      const batch = start();
      batch.catch(() => {});
      inFlight.push(batch);
    },
    settled: () => Promise.all(inFlight),
  };
}

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
  // The distinct values in any order (rowids are numbered as they land); then insertion order kept, so
  // that the table's rows stream in rowid order: the batches rely on it.
  await conn.run("SET preserve_insertion_order = false");
  await conn.run(`CREATE OR REPLACE TABLE ${VALUES} AS SELECT DISTINCT v FROM (${values}) WHERE v IS NOT NULL`);
  await conn.run("SET preserve_insertion_order = true");
  await conn.run(`CREATE OR REPLACE TABLE ${BATCHES} (batch BIGINT, persons VARCHAR)`);
  await conn.run(`CREATE OR REPLACE TABLE ${PROBLEMS} (value BIGINT, problem VARCHAR)`);
  const width = options.permitKey ? PSEUDONYM_WIDTH : CANONICAL_WIDTH;
  try {
    const counts = await personsByBatch(instance, conn, options);
    await conn.run(
      `INSERT INTO ${IDENTIFIER_TABLE} SELECT v.v, CASE WHEN p.problem IS NULL THEN substr(b.persons, ${width} * (v.rowid % ${BATCH}) + 1, ${width}) END, p.problem
       FROM ${VALUES} v JOIN ${BATCHES} b ON b.batch = v.rowid // ${BATCH} LEFT JOIN ${PROBLEMS} p ON p.value = v.rowid`,
    );
    return counts;
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${VALUES}; DROP TABLE IF EXISTS ${BATCHES}; DROP TABLE IF EXISTS ${PROBLEMS}`);
  }
}

/** Streams the distinct values in rowid order, parses them, and appends each batch's persons and problems. */
async function personsByBatch(
  instance: DuckDBInstance,
  conn: DuckDBConnection,
  options: { referenceDate: Date; permitKey?: Buffer },
): Promise<IdentifierCounts> {
  const result = await conn.stream(`SELECT v, rowid FROM ${VALUES}`);
  const writer = await DuckDBConnection.create(instance);
  const batches = await writer.createAppender(BATCHES);
  const problems = await writer.createAppender(PROBLEMS);
  const pool = options.permitKey ? new HmacPool(options.permitKey) : undefined;
  const queue = hashingQueue();
  const counts = { distinct: 0, invalid: 0 };
  let canonicals = new Uint8Array(BATCH * CANONICAL_WIDTH);
  let inBatch = 0;
  const flush = async () => {
    const batch = Math.floor((counts.distinct - 1) / BATCH);
    const packed = canonicals;
    const count = inBatch;
    canonicals = new Uint8Array(BATCH * CANONICAL_WIDTH);
    inBatch = 0;
    if (!pool) return appendBatch(batches, batch, Buffer.from(packed.buffer, 0, count * CANONICAL_WIDTH));
    await queue.add(() =>
      pool
        .hash(packed, CANONICAL_WIDTH, count)
        .then((hex) => appendBatch(batches, batch, Buffer.from(hex.buffer, hex.byteOffset, hex.length))),
    );
  };
  try {
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const rowids = chunk.getColumnVector(1);
      if (
        rowids.getItem(0) !== BigInt(counts.distinct) ||
        rowids.getItem(chunk.rowCount - 1) !== BigInt(counts.distinct + chunk.rowCount - 1)
      )
        throw new Error("The distinct identifiers did not stream in rowid order.");
      for (const raw of chunk.getColumnValues(0) as string[]) {
        const parsed = parseIdentifier(raw, options.referenceDate);
        // An invalid value keeps its place in the batch with zeros, and its person is dropped by its problem.
        if (parsed.ok)
          for (let j = 0; j < CANONICAL_WIDTH; j++)
            canonicals[inBatch * CANONICAL_WIDTH + j] = parsed.canonical.charCodeAt(j);
        else {
          canonicals.fill(48, inBatch * CANONICAL_WIDTH, (inBatch + 1) * CANONICAL_WIDTH);
          problems.appendBigInt(BigInt(counts.distinct));
          problems.appendVarchar(parsed.problem);
          problems.endRow();
          counts.invalid++;
        }
        counts.distinct++;
        if (++inBatch === BATCH) await flush();
      }
    }
    if (inBatch > 0) await flush();
    await queue.settled();
  } finally {
    await pool?.close();
    batches.closeSync();
    problems.closeSync();
    writer.closeSync();
  }
  return counts;
}

function appendBatch(
  appender: Awaited<ReturnType<DuckDBConnection["createAppender"]>>,
  batch: number,
  persons: Buffer,
): void {
  appender.appendBigInt(BigInt(batch));
  appender.appendVarchar(persons.toString("latin1"));
  appender.endRow();
}

/**
 * buildIdentifierTable for a plain CSV, whose identifier columns (0-based, in header order) are read
 * straight from its bytes by distinctCsvValues; undefined (and nothing left behind) when the file is not
 * plain enough, and buildIdentifierTable must read it instead. New values are validated and hashed while
 * the file is still being read, so that the workers hash beside the reading. Each batch of valid values
 * reaches DuckDB as two texts — the values separated by spaces (a key's text has none), the persons end to
 * end — and DuckDB cuts them into rows; the few invalid values go in one by one.
 */
export async function buildIdentifierTableFromCsv(
  conn: DuckDBConnection,
  path: string,
  csv: { delimiter: string; encoding: "utf-8" | "latin-1"; columns: readonly number[] },
  options: { referenceDate: Date; permitKey?: Buffer },
): Promise<IdentifierCounts | undefined> {
  await conn.run(`CREATE OR REPLACE TABLE ${IDENTIFIER_TABLE} (raw VARCHAR, person VARCHAR, problem VARCHAR)`);
  await conn.run(`CREATE OR REPLACE TABLE ${BATCHES} (raws VARCHAR, persons VARCHAR)`);
  const width = options.permitKey ? PSEUDONYM_WIDTH : CANONICAL_WIDTH;
  const counts = { distinct: 0, invalid: 0 };
  let complete = false;
  let notPlain = false;
  try {
    const invalid = await conn.createAppender(IDENTIFIER_TABLE);
    try {
      const appendInvalid = (raw: string, problem: string) => {
        invalid.appendVarchar(raw);
        invalid.appendNull();
        invalid.appendVarchar(problem);
        invalid.endRow();
        counts.invalid++;
      };
      const hasher = await keyHasher(conn, options, appendInvalid);
      let values: DistinctValues | undefined;
      try {
        values = await distinctCsvValues(path, csv, (keys) => hasher.add(keys));
      } finally {
        await hasher.close();
      }
      if (!values) {
        notPlain = true;
        return undefined;
      }
      counts.distinct = values.keys.length + values.others.size;
      // Not digits with one separator: never an identifier.
      for (const raw of values.others) {
        const parsed = parseIdentifier(raw, options.referenceDate);
        if (parsed.ok) throw new Error("A valid identifier was not read as one.");
        appendInvalid(raw, parsed.problem);
      }
    } finally {
      invalid.closeSync();
    }
    await conn.run(
      `INSERT INTO ${IDENTIFIER_TABLE}
       SELECT raw, substr(persons, ${width} * (i - 1) + 1, ${width}), NULL
       FROM (SELECT persons, unnest(string_split(raws, ' ')) AS raw, generate_subscripts(string_split(raws, ' '), 1) AS i FROM ${BATCHES})`,
    );
    complete = true;
    return counts;
  } finally {
    // Not plain: the caller builds the table from DuckDB's reading. Failed: an empty table, so that the
    // rejection's diagnosis (which reads it) still runs and the failure's own cause is what is reported.
    const identifiers = complete
      ? ""
      : notPlain
        ? `; DROP TABLE IF EXISTS ${IDENTIFIER_TABLE}`
        : `; DELETE FROM ${IDENTIFIER_TABLE}`;
    await conn.run(`DROP TABLE IF EXISTS ${BATCHES}${identifiers}`);
  }
}

/**
 * Takes keys as they come (add) and, batch by batch, has them parsed and their canonical forms hashed in
 * the worker threads (or, without a permit key, parses them here), then appends each batch; close waits for
 * the last batch (and rethrows a failed one).
 */
async function keyHasher(
  conn: DuckDBConnection,
  options: { referenceDate: Date; permitKey?: Buffer },
  appendInvalid: (raw: string, problem: string) => void,
) {
  const batches = await conn.createAppender(BATCHES);
  // One worker fewer than cores: the reading of the file keeps this thread busy all along, and a third
  // thread on two cores slowed it more than its hashing helped.
  const pool = options.permitKey ? new HmacPool(options.permitKey, availableParallelism() - 1) : undefined;
  const reference = referenceDay(options.referenceDate);
  const queue = hashingQueue();
  const append = ({ raws, invalid }: { raws: Uint8Array; invalid: [string, string][] }, persons: Uint8Array) => {
    for (const [raw, problem] of invalid) appendInvalid(raw, problem);
    if (raws.length > 0) appendPieces(batches, latin1(raws), latin1(persons));
  };
  const add = async (keys: Float64Array) => {
    for (let first = 0; first < keys.length; first += BATCH) {
      const batch = keys.slice(first, first + BATCH);
      if (!pool) {
        const parsed = keyBatch(batch, reference);
        append(parsed, parsed.canonicals);
        continue;
      }
      await queue.add(() => pool.hashKeys(batch, reference).then((h) => append(h, h.hex)));
    }
  };
  const close = async () => {
    try {
      await queue.settled();
    } finally {
      await pool?.close();
      batches.closeSync();
    }
  };
  return { add, close };
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");
}

function appendPieces(
  appender: Awaited<ReturnType<DuckDBConnection["createAppender"]>>,
  raws: string,
  persons: string,
): void {
  appender.appendVarchar(raws);
  appender.appendVarchar(persons);
  appender.endRow();
}
