import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { SpeError } from "../errors";
import { invalidCondition, outputType, typedValue } from "./column-sql";
import { outputColumnName, type ColumnDescriptor, type DatasetDescriptor } from "./descriptor";
import { DEFAULT_DUCKDB_MEMORY_LIMIT, withDuckDb } from "./duckdb-session";
import { columnIssues, ident, inspectExtract, sourceRelation, sqlString } from "./extract-file";
import { ExtractRejectedError } from "./extract-issues";
import {
  buildIdentifierTable,
  buildIdentifierTableFromCsv,
  IDENTIFIER_TABLE,
  type IdentifierCounts,
} from "./identifier-engine/identifier-table";
import { sha256File, type DeliveryManifest, type ManifestColumn } from "./manifest";
import { derivePermitKey } from "./pseudonym-key";
import { DEFAULT_FIRST_ROWS, rejectWithDiagnosis } from "./validate-extract";

export interface PseudonymiseExtractOptions {
  /** A CSV (as the descriptor's format says) or Parquet file. */
  input: string;
  /** Must not exist, or be an empty folder; it appears only when everything has succeeded. */
  outputDir: string;
  descriptor: DatasetDescriptor;
  permitId: string;
  /** At least 32 bytes; never stored, never sent into an environment. */
  masterKey: Uint8Array;
  /** The day the extract was made: it resolves the century of 10-digit personnummer. Default: today. */
  referenceDate?: Date;
  maxBytes?: number;
  firstRows?: number;
  /** Snappy by default: zstd makes files a third smaller but costs a fifth more time; uncompressed lets one inspect the bytes. */
  parquetCompression?: "zstd" | "snappy" | "uncompressed";
  /** DuckDB's memory limit ("1GB"); it spills beyond it. */
  memoryLimit?: string;
  /** The clock for the manifest's createdAt. */
  now?: () => Date;
  /** Told when each step has finished (identifiers, write, hash) and how long it took, for progress and benchmarks. */
  onStep?: (step: "identifiers" | "write" | "hash", seconds: number) => void;
}

/**
 * Validates an extract against its descriptor and writes its pseudonymised form: one Parquet file in which
 * each direct identifier is replaced by HMAC-SHA-256(K_permit, canonical 12-digit form), `drop` columns are
 * gone and values have their descriptor types; plus manifest.json. Each distinct identifier is validated and
 * hashed once; DuckDB reads, joins and writes.
 *
 * All or nothing: the output folder appears, by one rename, only when the delivery is valid. A delivery
 * that is not throws ExtractRejectedError (DATASET_SCHEMA_MISMATCH or DELIVERY_INVALID) with every
 * finding and row numbers, and leaves nothing behind. Other codes: DELIVERY_TOO_LARGE,
 * DELIVERY_UNREADABLE, DELIVERY_OUTPUT_EXISTS, PSEUDONYM_KEY_INVALID.
 */
export async function pseudonymiseExtract(options: PseudonymiseExtractOptions): Promise<DeliveryManifest> {
  const permitKey = derivePermitKey(options.masterKey, options.permitId);
  const outputDir = resolve(options.outputDir);
  await refuseExistingOutput(outputDir);
  await mkdir(dirname(outputDir), { recursive: true });
  const staging = await mkdtemp(join(dirname(outputDir), `.${basename(outputDir)}.partial-`));
  try {
    const manifest = await withDuckDb(
      (conn, instance) => writePseudonymised({ conn, instance }, options, permitKey, staging),
      options.memoryLimit ?? DEFAULT_DUCKDB_MEMORY_LIMIT,
    );
    await writeFile(join(staging, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
    await rmdir(outputDir).catch(() => undefined);
    await rename(staging, outputDir);
    return manifest;
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

async function writePseudonymised(
  { conn, instance }: { conn: DuckDBConnection; instance: DuckDBInstance },
  options: PseudonymiseExtractOptions,
  permitKey: Buffer,
  staging: string,
): Promise<DeliveryManifest> {
  const { descriptor } = options;
  const firstRows = options.firstRows ?? DEFAULT_FIRST_ROWS;
  const file = await inspectExtract(options.input, descriptor, conn, options.maxBytes);
  const mismatch = columnIssues(file, descriptor);
  if (mismatch.length > 0)
    throw new ExtractRejectedError({
      valid: false,
      format: file.format,
      bytes: file.bytes,
      rows: null,
      identifiers: { distinct: 0, invalid: 0 },
      issues: mismatch,
    });

  const source = sourceRelation(file, descriptor);
  const identifierColumns = descriptor.columns.filter((c) => c.role === "direct-identifier");
  const step = stepTimer(options.onStep);
  let counts: IdentifierCounts = { distinct: 0, invalid: 0 };
  try {
    const identifierOptions = { referenceDate: options.referenceDate ?? new Date(), permitKey };
    // A plain CSV's identifiers come straight from its bytes, for half what DuckDB's reading of the whole file costs.
    const fromBytes =
      file.format === "csv" && identifierColumns.length > 0
        ? await buildIdentifierTableFromCsv(
            conn,
            file.path,
            { ...descriptor.format, columns: identifierColumns.map((c) => file.header.indexOf(c.name)) },
            identifierOptions,
          )
        : undefined;
    counts =
      fromBytes ?? (await buildIdentifierTable({ instance, conn }, source, identifierColumns, identifierOptions));
  } catch (err) {
    return rejectWithDiagnosis(conn, file, descriptor, counts, firstRows, err);
  }
  if (counts.invalid > 0) return rejectWithDiagnosis(conn, file, descriptor, counts, firstRows);
  step("identifiers");

  const fileName = `${descriptor.id}.parquet`;
  const path = join(staging, fileName);
  let rows: number;
  try {
    // Row order is free: that lets DuckDB write in parallel, and the order of the extract (often sorted by
    // personnummer) does not survive into the output.
    await conn.run("SET preserve_insertion_order = false");
    // DuckDB guesses a CSV scan at a few dozen rows and would build its hash table from the whole extract,
    // every column of every row, to probe it with the identifiers. The identifiers are the small side.
    await conn.run("SET disabled_optimizers = 'build_side_probe_side'");
    const copied = await conn.run(
      `COPY (${outputQuery(source, descriptor)}) TO ${sqlString(path)} (FORMAT parquet, COMPRESSION ${options.parquetCompression ?? "snappy"})`,
    );
    rows = copied.rowsChanged;
  } catch (err) {
    return rejectWithDiagnosis(conn, file, descriptor, counts, firstRows, err);
  }
  if (descriptor.primaryKey && (await hasDuplicateKeys(conn, path, descriptor)))
    return rejectWithDiagnosis(conn, file, descriptor, counts, firstRows);
  step("write");

  const { size } = await stat(path);
  const sha256 = await sha256File(path);
  step("hash");
  return {
    manifestVersion: 1,
    dataset: {
      id: descriptor.id,
      version: descriptor.version,
      descriptorSha256: createHash("sha256").update(JSON.stringify(descriptor)).digest("hex"),
    },
    permitId: options.permitId,
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    rows,
    columns: descriptor.columns.filter((c) => c.role !== "drop").map(manifestColumn),
    files: [{ path: fileName, rows, bytes: size, sha256 }],
    pseudonymisation: {
      algorithm: "HMAC-SHA-256",
      keyDerivation: "HKDF-SHA-256",
      keyInfo: `permit:${options.permitId}`,
      distinctIdentifiers: counts.distinct,
      droppedColumns: descriptor.columns.filter((c) => c.role === "drop").map((c) => c.name),
    },
    input: { format: file.format, bytes: file.bytes },
  } satisfies DeliveryManifest;
}

/**
 * The rows as they go out. Every check of the diagnosis is here too, but as error(): the fast path stops
 * at the first bad value, and only then is the extract read again for the row-numbered findings. Each
 * typed value is computed once, below the checks, and the checked values are narrow before the join.
 */
export function outputQuery(source: string, descriptor: DatasetDescriptor): string {
  const kept = descriptor.columns.filter((c) => c.role !== "drop");
  const typed = (c: ColumnDescriptor) => ident(`${c.name}__typed`);
  const missing = (c: ColumnDescriptor, code = "VALUE_MISSING") =>
    c.nullable && code === "VALUE_MISSING" ? "NULL" : `error(${sqlString(`${c.name}: ${code}`)})`;
  const inner = kept.flatMap((c) =>
    c.type === "personnummer"
      ? [ident(c.name)]
      : [ident(c.name), `CAST(${typedValue(c)} AS ${outputType(c)}) AS ${typed(c)}`],
  );
  const checked = kept.map((c) => {
    if (c.type === "personnummer") return ident(c.name);
    return `CASE WHEN ${ident(c.name)} IS NULL THEN ${missing(c)} WHEN ${invalidCondition(c, ident(c.name), typed(c))} THEN ${missing(c, "VALUE_INVALID")} ELSE ${typed(c)} END AS ${ident(c.name)}`;
  });
  const joins: string[] = [];
  const outer = kept.map((c) => {
    const raw = `r.${ident(c.name)}`;
    if (c.type !== "personnummer") return `${raw}`;
    const p = `p${joins.length}`;
    joins.push(`LEFT JOIN ${IDENTIFIER_TABLE} ${p} ON ${raw} = ${p}.raw`);
    return `CASE WHEN ${raw} IS NULL THEN ${missing(c)} WHEN ${p}.person IS NULL THEN ${missing(c, "IDENTIFIER_INVALID")} ELSE ${p}.person END AS ${ident(outputColumnName(c))}`;
  });
  return `SELECT ${outer.join(", ")} FROM (SELECT ${checked.join(", ")} FROM (SELECT ${inner.join(", ")} FROM ${source})) r ${joins.join(" ")}`;
}

function stepTimer(onStep: PseudonymiseExtractOptions["onStep"]) {
  let last = performance.now();
  return (name: Parameters<NonNullable<typeof onStep>>[0]) => {
    const now = performance.now();
    onStep?.(name, (now - last) / 1000);
    last = now;
  };
}

async function hasDuplicateKeys(conn: DuckDBConnection, path: string, descriptor: DatasetDescriptor): Promise<boolean> {
  const key = descriptor
    .primaryKey!.map((name) => ident(outputColumnName(descriptor.columns.find((c) => c.name === name)!)))
    .join(", ");
  const result = await conn.runAndReadAll(
    `SELECT count(*) FROM (SELECT 1 FROM read_parquet(${sqlString(path)}) GROUP BY ${key} HAVING count(*) > 1)`,
  );
  return Number(result.getRowsJS()[0]![0]) > 0;
}

function manifestColumn(c: ColumnDescriptor): ManifestColumn {
  const role = c.role as ManifestColumn["role"];
  if (c.type === "personnummer") return { name: outputColumnName(c), type: "VARCHAR", role, pseudonymOf: c.name };
  return { name: c.name, type: outputType(c), role };
}

async function refuseExistingOutput(outputDir: string): Promise<void> {
  const entries = await readdir(outputDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return [];
    if (err.code === "ENOTDIR") return ["(a file)"];
    throw err;
  });
  if (entries.length > 0)
    throw new SpeError(
      "DELIVERY_OUTPUT_EXISTS",
      `The output folder ${outputDir} exists and is not empty; pick a new one.`,
    );
}
