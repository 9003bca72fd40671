import { readFile } from "node:fs/promises";
import { and, eq, isNotNull } from "drizzle-orm";
import type { Db } from "../../db/database";
import { exportFiles, exportRequests } from "../../db/schema";
import { combineStatus } from "../sdc/combine-status";
import { say } from "../sdc/phrases";
import type { SdcProfile } from "../sdc/profile";
import { columnIndex, readTable } from "../sdc/read-table";
import { sayingEnglish, type SdcCheck } from "../sdc/report";
import type { FileCheck } from "../requests/airlock-ports";
import type { Quarantine } from "../requests/quarantine";
import type { DeclaredTable } from "./declared-table";
import { findDifferencing } from "./find-differencing";

/** A frequency table's CSV as differencing reads it; a cell that is not a whole number counts as suppressed. */
export function declaredTableOf(
  text: string | Uint8Array,
  declared: { name: string; population: string; dimensions: string[] },
  countColumn = "count",
): DeclaredTable | undefined {
  const table = readTable(text);
  const count = columnIndex(table, countColumn);
  const dims = declared.dimensions.map((d) => columnIndex(table, d));
  if (count === -1 || dims.includes(-1)) return undefined;
  const [counts, ...labels] = table.select([count, ...dims]);
  return {
    ...declared,
    rows: counts!.map((raw, row) => ({
      categories: Object.fromEntries(declared.dimensions.map((d, i) => [d, labels[i]![row]!.trim()])),
      count: /^\d+(?:\.0*)?$/.test(raw.trim()) ? Number(raw.trim()) : null,
    })),
  };
}

/** The frequency tables released under a permit with a declared population, read from quarantine. */
export async function releasedTables(db: Db, quarantine: Quarantine, permitId: string): Promise<DeclaredTable[]> {
  const rows = await db
    .select({ file: exportFiles })
    .from(exportFiles)
    .innerJoin(exportRequests, eq(exportFiles.requestId, exportRequests.id))
    .where(
      and(
        eq(exportRequests.permitId, permitId),
        eq(exportRequests.state, "released"),
        eq(exportFiles.decision, "approved"),
        isNotNull(exportFiles.population),
      ),
    );
  const tables: DeclaredTable[] = [];
  for (const { file } of rows) {
    if (!file.sha256 || !file.population || !file.dimensions) continue;
    const bytes = await readFile(quarantine.pathOf(file.sha256));
    const table = declaredTableOf(bytes, {
      name: file.path,
      population: file.population,
      dimensions: file.dimensions,
    });
    if (table) tables.push(table);
  }
  return tables;
}

/**
 * Adds the differencing check to a file's report: the new table against those released before under the
 * permit. Findings go to review, naming the released table and what they reveal (for checkers only).
 */
export function withDifferencing(
  check: FileCheck,
  table: DeclaredTable,
  released: DeclaredTable[],
  profile: SdcProfile,
): FileCheck {
  const findings = findDifferencing(table, released, profile.frequency.threshold);
  const phrase = findings.length
    ? say(
        "differencing-found",
        { threshold: profile.frequency.threshold },
        {
          found: findings.map((f) => `${f.slice} (${f.revealed}) with ${f.tables[1]}`).join("; "),
        },
      )
    : say("differencing-none", { released: released.length });
  const says = { phrase };
  const differencing: SdcCheck = {
    name: "differencing",
    status: findings.length ? "review" : "pass",
    message: sayingEnglish(says),
    says,
  };
  const checks = [...((check.report.checks as SdcCheck[] | undefined) ?? []), differencing];
  const status = combineStatus(checks.map((c) => c.status));
  return { ...check, status, report: { ...check.report, status, checks } };
}
