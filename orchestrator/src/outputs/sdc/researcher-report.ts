import { z } from "zod";
import { SDC_STATUSES } from "./combine-status";
import { english, plainPhrase, SDC_PHRASES, type SdcPhrase, type SdcPhraseKey, type SdcSaying } from "./phrases";
import { sayingEnglish, type SdcCell, type SdcCheck } from "./report";
import type { SdcReport } from "./check-file";

const values = z.record(z.string(), z.union([z.string(), z.number()]));
const phrase = z.object({
  key: z.enum(Object.keys(SDC_PHRASES) as [SdcPhraseKey, ...SdcPhraseKey[]]),
  values: values.optional(),
  detail: values.optional(),
});
const flagged = z.object({
  status: z.enum(["fail", "review"]),
  label: phrase,
  count: z.number(),
  rows: z.array(z.number()),
});
const saying = z.union([
  z.object({ phrase }),
  z.object({ flagged: z.array(flagged) }),
  z.object({ models: z.array(z.object({ path: z.string(), jsonPath: z.string().optional(), reason: phrase })) }),
]);
const storedReport = z.object({
  status: z.enum(SDC_STATUSES),
  type: z.string(),
  profile: z.string(),
  checks: z.array(z.object({ name: z.string(), status: z.enum(SDC_STATUSES), says: z.unknown() })),
  cells: z.array(
    z.object({ row: z.number(), column: z.string(), status: z.enum(["fail", "review"]), says: z.unknown() }),
  ),
});

/** A model's place by position only: "#2 df_resid". A report stored before then named it by its keys. */
const POSITION = /^#\d+ df_resid$/;

/**
 * The report on a file as its researcher may read it (the precheck's answer, their request's page): every
 * sentence said again from its key without the detail the checks read from the file, models named by
 * position only, nothing kept that the structure does not account for. Output checkers get the stored
 * report whole. Undefined when there is no report, or none in a shape this knows: then nothing is shown.
 */
export function researcherReport(stored: unknown): SdcReport | undefined {
  const parsed = storedReport.safeParse(stored);
  if (!parsed.success) return undefined;
  const { status, type, profile, checks, cells } = parsed.data;
  const read = <T>(schema: z.ZodType<T>, value: unknown): T | undefined => {
    const result = schema.safeParse(value);
    return result.success ? result.data : undefined;
  };
  return cutDown(
    {
      status,
      type: type as SdcReport["type"],
      profile,
      checks: checks.map(({ name, status, says }) => ({
        name,
        status,
        message: "",
        says: (read(saying, says) as SdcSaying | undefined) ?? { flagged: [] },
      })),
      cells: cells.map(({ row, column, status, says }) => ({
        row,
        column,
        status,
        reasons: [],
        says: (read(z.array(phrase), says) as SdcPhrase[] | undefined) ?? [],
      })),
    },
    { stored: true },
  );
}

/** A report just made, as its researcher may read it: `researcherReport` without reading it first. */
export function plainReport(report: SdcReport): SdcReport {
  return cutDown(report, { stored: false });
}

/**
 * Every sentence said again without detail. A stored report's English is never trusted; a report just made
 * keeps the English of a cell none of whose phrases changed, since that English was made from them.
 */
function cutDown({ status, type, profile, checks, cells }: SdcReport, { stored }: { stored: boolean }): SdcReport {
  return {
    status,
    type,
    profile,
    checks: checks.map(({ name, status, says }): SdcCheck => {
      const plain = plainSaying(says);
      return {
        name,
        status,
        message: "flagged" in plain && plain.flagged.length === 0 ? "" : sayingEnglish(plain),
        says: plain,
      };
    }),
    cells: cells.map(({ row, column, status, reasons, says }): SdcCell => {
      const plain = says.map(plainPhrase);
      const unchanged = !stored && plain.every((p, i) => p === says[i]);
      return { row, column, status, reasons: unchanged ? reasons : plain.map(english), says: plain };
    }),
  };
}

function plainSaying(says: SdcSaying): SdcSaying {
  if ("phrase" in says) return { phrase: plainPhrase(says.phrase) };
  if ("models" in says)
    return {
      models: says.models.map((m) => ({
        path: POSITION.test(m.path) ? m.path : "df_resid",
        reason: plainPhrase(m.reason),
      })),
    };
  return {
    flagged: says.flagged.map((f) => ({ status: f.status, label: plainPhrase(f.label), count: f.count, rows: f.rows })),
  };
}
