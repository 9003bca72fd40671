// The SQL that checks and converts one column of an extract. The fast path (pseudonymise) and the
// row-numbered diagnosis both take their checks from here, so that they cannot disagree.
import type { ColumnDescriptor } from "./descriptor";
import { ident, sqlString } from "./extract-file";
import { regexToGlobs } from "./glob-pattern";

type ValueColumn = Exclude<ColumnDescriptor, { type: "personnummer" }>;

/** The DuckDB type a column has in the output. */
export function outputType(c: ColumnDescriptor): string {
  switch (c.type) {
    case "integer":
      return "BIGINT";
    case "decimal":
      return "DOUBLE";
    case "date":
      return "DATE";
    default:
      return "VARCHAR";
  }
}

/** The typed value of a column's text, NULL when the text is not of the type. */
export function typedValue(c: ValueColumn, raw = ident(c.name)): string {
  switch (c.type) {
    case "string":
      return raw;
    // TRY_CAST alone would round "1.5" to 2 and accept " 12 ", "0x1A" or "1e3". Most values are written the
    // way DuckDB writes the number back, and that comparison is cheaper than any look at the characters;
    // GLOB instead of a regular expression for the rest.
    case "integer": {
      const n = `TRY_CAST(${raw} AS BIGINT)`;
      return `CASE WHEN CAST(${n} AS VARCHAR) = ${raw} THEN ${n} WHEN NOT (CASE WHEN ${raw}[1] IN ('+', '-') THEN ${raw}[2:] ELSE ${raw} END) GLOB '*[!0-9]*' THEN ${n} END`;
    }
    case "decimal":
      return `CASE WHEN regexp_full_match(${raw}, '[+-]?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?') THEN TRY_CAST(${raw} AS DOUBLE) END`;
    case "date":
      // strptime alone would read "2026111" as 2026-11-01.
      // make_date over the digits is several times cheaper than strptime, and refuses 20260230 just the same.
      if (c.format === "YYYYMMDD") {
        const n = `TRY_CAST(${raw} AS INTEGER)`;
        const date = `try(make_date(${n} // 10000, ${n} // 100 % 100, ${n} % 100))`;
        // Eight digits without a leading zero are the number DuckDB writes back: a comparison that costs a
        // third of one GLOB over eight digits (and the cast is needed anyway). The GLOB sees only the rest.
        return `CASE WHEN ${n} BETWEEN 10000000 AND 99999999 AND CAST(${n} AS VARCHAR) = ${raw} THEN ${date} WHEN ${raw} GLOB '${"[0-9]".repeat(8)}' THEN ${date} END`;
      }
      return `CASE WHEN length(${raw}) = 10 AND ${raw} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' THEN TRY_CAST(${raw} AS DATE) END`;
  }
}

/** A SQL condition, over a non-NULL text and its typed value, that is true when the value breaks the descriptor. */
export function invalidCondition(c: ValueColumn, raw = ident(c.name), typed = typedValue(c, raw)): string {
  const conditions: string[] = [];
  if (c.type === "string") {
    if (c.pattern !== undefined) {
      const globs = regexToGlobs(c.pattern);
      conditions.push(
        globs
          ? `NOT (${globs.map((g) => `${raw} GLOB ${sqlString(g)}`).join(" OR ")})`
          : `NOT regexp_full_match(${raw}, ${sqlString(c.pattern)})`,
      );
    }
    if (c.values !== undefined) conditions.push(`${raw} NOT IN (${c.values.map(sqlString).join(", ")})`);
    if (c.maxLength !== undefined) conditions.push(`length(${raw}) > ${c.maxLength}`);
  } else {
    conditions.push(`${typed} IS NULL`);
    if ((c.type === "integer" || c.type === "decimal") && c.min !== undefined) conditions.push(`${typed} < ${c.min}`);
    if ((c.type === "integer" || c.type === "decimal") && c.max !== undefined) conditions.push(`${typed} > ${c.max}`);
  }
  return conditions.length === 0 ? "false" : conditions.map((x) => `(${x})`).join(" OR ");
}

/** What a valid value of the column looks like, for an issue's message. */
export function expectation(c: ValueColumn): string {
  const range = (min?: number, max?: number) =>
    min !== undefined && max !== undefined
      ? ` from ${min} to ${max}`
      : min !== undefined
        ? ` of at least ${min}`
        : max !== undefined
          ? ` of at most ${max}`
          : "";
  switch (c.type) {
    case "string": {
      const parts = [
        c.pattern !== undefined ? `text matching ${c.pattern}` : "",
        c.values !== undefined ? `one of ${c.values.join(", ")}` : "",
        c.maxLength !== undefined ? `at most ${c.maxLength} characters long` : "",
      ];
      return parts.filter(Boolean).join(" and ") || "text";
    }
    case "integer":
      return `a whole number${range(c.min, c.max)}`;
    case "decimal":
      return `a number (with . for decimals)${range(c.min, c.max)}`;
    case "date":
      return `a real date written ${c.format}`;
  }
}
