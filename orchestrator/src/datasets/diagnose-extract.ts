// The slow, thorough path: every problem of an extract with its row numbers. Runs for `spe delivery
// validate` and when the fast path of pseudonymisation has stopped at a first problem.
import type { DuckDBConnection } from "@duckdb/node-api";
import { expectation, invalidCondition } from "./column-sql";
import type { ColumnDescriptor, DatasetDescriptor } from "./descriptor";
import { firstLine, ident, sourceRelation, type ExtractFile } from "./extract-file";
import type { ExtractIssue } from "./extract-issues";
import { IDENTIFIER_TABLE } from "./identifier-engine/identifier-table";
import { IDENTIFIER_PROBLEMS, type IdentifierProblem } from "./personnummer";

const ROW_CHECKS = "row_checks";
const OK = 0;
const MISSING = 1;
const INVALID = 2;

/**
 * Reads the extract once more, in file order, into a narrow table of per-row check results (rowid = row
 * number − 1) and turns it into issues: for each kind of problem and column, the count and the first
 * `firstRows` row numbers. Rows that are not CSV at all (wrong number of fields, bad encoding) are reported
 * alone, because they shift the numbering of every row after them. Needs IDENTIFIER_TABLE filled.
 */
export async function diagnoseExtract(
  conn: DuckDBConnection,
  file: ExtractFile,
  descriptor: DatasetDescriptor,
  firstRows: number,
): Promise<{ rows: number; issues: ExtractIssue[] }> {
  const kept = descriptor.columns.filter((c) => c.role !== "drop");
  const identifiers = kept.filter((c) => c.type === "personnummer");
  const keyColumns = (descriptor.primaryKey ?? []).map((name) => descriptor.columns.find((c) => c.name === name)!);
  const select = [
    ...kept.map((c, i) => `CAST(${checkCode(c)} AS UTINYINT) AS k${i}`),
    ...identifiers.map((c, i) => `${ident(c.name)} AS id${i}`),
    ...keyColumns.map((c, i) => `${ident(c.name)} AS pk${i}`),
  ];
  await conn.run("SET preserve_insertion_order = true");
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${ROW_CHECKS} AS SELECT ${select.join(", ")} FROM ${sourceRelation(file, descriptor, { rejects: true })}`,
  );
  const rows = Number(await scalar(conn, `SELECT count(*) FROM ${ROW_CHECKS}`));

  if (file.format === "csv") {
    const malformed = await malformedRows(conn, firstRows);
    if (malformed.length > 0) return { rows: rows + malformed.reduce((n, i) => n + i.count, 0), issues: malformed };
  }

  const issues: ExtractIssue[] = [];
  for (const [i, c] of kept.entries()) {
    if (c.type !== "personnummer") {
      const invalid = await rowsWhere(conn, `k${i} = ${INVALID}`, firstRows);
      if (invalid.count > 0)
        issues.push({ code: "VALUE_INVALID", column: c.name, message: `is not ${expectation(c)}.`, ...invalid });
    }
    const missing = await rowsWhere(conn, `k${i} = ${MISSING}`, firstRows);
    if (missing.count > 0)
      issues.push({
        code: "VALUE_MISSING",
        column: c.name,
        message: "is empty, and the descriptor requires a value.",
        ...missing,
      });
  }
  for (const [i, c] of identifiers.entries()) issues.push(...(await identifierIssues(conn, c, `id${i}`, firstRows)));
  if (keyColumns.length > 0) issues.push(...(await duplicateKeys(conn, keyColumns, firstRows)));
  return { rows, issues };
}

/** 0 fine, 1 missing though required, 2 not valid for the column (identifiers: checked apart, per distinct value). */
function checkCode(c: ColumnDescriptor): string {
  const raw = ident(c.name);
  const missing = c.nullable ? OK : MISSING;
  if (c.type === "personnummer") return `CASE WHEN ${raw} IS NULL THEN ${missing} ELSE ${OK} END`;
  return `CASE WHEN ${raw} IS NULL THEN ${missing} WHEN ${invalidCondition(c)} THEN ${INVALID} ELSE ${OK} END`;
}

async function rowsWhere(
  conn: DuckDBConnection,
  condition: string,
  firstRows: number,
): Promise<{ count: number; rows: number[] }> {
  const count = Number(await scalar(conn, `SELECT count(*) FROM ${ROW_CHECKS} WHERE ${condition}`));
  if (count === 0) return { count, rows: [] };
  const result = await conn.runAndReadAll(
    `SELECT rowid + 1 FROM ${ROW_CHECKS} WHERE ${condition} ORDER BY rowid LIMIT ${firstRows}`,
  );
  return { count, rows: result.getColumnsJS()[0]!.map(Number) };
}

async function identifierIssues(
  conn: DuckDBConnection,
  c: ColumnDescriptor,
  column: string,
  firstRows: number,
): Promise<ExtractIssue[]> {
  const result = await conn.runAndReadAll(
    `SELECT problem, n, row FROM (
       SELECT i.problem, count(*) OVER (PARTITION BY i.problem) AS n, row_number() OVER (PARTITION BY i.problem ORDER BY r.rowid) AS k, r.rowid + 1 AS row
       FROM ${ROW_CHECKS} r JOIN ${IDENTIFIER_TABLE} i ON r.${column} = i.raw WHERE i.problem IS NOT NULL)
     WHERE k <= ${firstRows} ORDER BY problem, row`,
  );
  const byProblem = new Map<string, ExtractIssue>();
  for (const [problem, n, row] of result.getRowsJS() as [IdentifierProblem, bigint, bigint][]) {
    const issue = byProblem.get(problem) ?? {
      code: "IDENTIFIER_INVALID",
      column: c.name,
      message: `${IDENTIFIER_PROBLEMS[problem]}.`,
      count: Number(n),
      rows: [],
    };
    issue.rows.push(Number(row));
    byProblem.set(problem, issue);
  }
  return [...byProblem.values()];
}

/** Rows whose key repeats an earlier row's; identifiers compare by person (canonical form or pseudonym). */
async function duplicateKeys(
  conn: DuckDBConnection,
  keyColumns: ColumnDescriptor[],
  firstRows: number,
): Promise<ExtractIssue[]> {
  const joins = keyColumns
    .map((c, i) => (c.type === "personnummer" ? `LEFT JOIN ${IDENTIFIER_TABLE} j${i} ON r.pk${i} = j${i}.raw` : ""))
    .join(" ");
  const key = keyColumns
    .map((c, i) => (c.type === "personnummer" ? `coalesce(j${i}.person, r.pk${i})` : `r.pk${i}`))
    .join(", ");
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE duplicate_rows AS SELECT row FROM (
       SELECT r.rowid + 1 AS row, row_number() OVER (PARTITION BY ${key} ORDER BY r.rowid) AS k FROM ${ROW_CHECKS} r ${joins})
     WHERE k > 1`,
  );
  const count = Number(await scalar(conn, "SELECT count(*) FROM duplicate_rows"));
  if (count === 0) return [];
  const rows = (await conn.runAndReadAll(`SELECT row FROM duplicate_rows ORDER BY row LIMIT ${firstRows}`))
    .getColumnsJS()[0]!
    .map(Number);
  const names = keyColumns.map((c) => c.name).join(", ");
  return [
    {
      code: "PRIMARY_KEY_DUPLICATE",
      column: names,
      message: `repeats the key (${names}) of an earlier row.`,
      count,
      rows,
    },
  ];
}

async function malformedRows(conn: DuckDBConnection, firstRows: number): Promise<ExtractIssue[]> {
  const result = await conn.runAndReadAll(
    `SELECT error_type, n, line FROM (
       SELECT error_type, count(*) OVER (PARTITION BY error_type) AS n, row_number() OVER (PARTITION BY error_type ORDER BY line) AS k, line
       FROM (SELECT DISTINCT error_type, line FROM reject_errors))
     WHERE k <= ${firstRows} ORDER BY error_type, line`,
  );
  const byType = new Map<string, ExtractIssue>();
  for (const [type, n, line] of result.getRowsJS() as [string, bigint, bigint][]) {
    const issue = byType.get(type) ?? {
      code: "ROW_MALFORMED",
      message: `${MALFORMED[type] ?? type.toLowerCase()}.`,
      count: Number(n),
      rows: [],
    };
    issue.rows.push(Number(line) - 1);
    byType.set(type, issue);
  }
  return [...byType.values()];
}

const MALFORMED: Record<string, string> = {
  "TOO MANY COLUMNS": "has more fields than the header",
  "MISSING COLUMNS": "has fewer fields than the header",
  "INVALID ENCODING": "is not in the descriptor's encoding",
  "UNQUOTED VALUE": "has a quote inside an unquoted field",
  "LINE SIZE OVER MAXIMUM": "is longer than the longest line allowed",
};

async function scalar(conn: DuckDBConnection, sql: string): Promise<unknown> {
  try {
    return (await conn.runAndReadAll(sql)).getRowsJS()[0]![0];
  } catch (err) {
    throw new Error(firstLine(err), { cause: err });
  }
}
