import type { TFunction } from "i18next";
import type { Said } from "../said";
import { sv } from "../../locales/sv";

/**
 * The disclosure checks' sentences in the reader's language. The orchestrator keeps each sentence in
 * English and as a message key with values (its outputs/sdc/phrases.ts); the locales carry the same keys
 * under `sdc`. A key this UI does not know (a newer server) or a report without keys (an older one) shows
 * the English, marked as English for screen readers. A phrase with `detail` (what the checks read from
 * the file: only output checkers get it from the server) is said by the locales' `sdcDetailed`.
 */
export interface SdcPhrase {
  key: string;
  values?: Record<string, string | number>;
  detail?: Record<string, string | number>;
}

export type SdcSaying =
  | { phrase: SdcPhrase }
  | { flagged: Array<{ status: "fail" | "review"; label: SdcPhrase; count: number; rows: number[] }> }
  | { models: Array<{ path: string; jsonPath?: string; reason: SdcPhrase }> };

type PhraseKey = keyof typeof sv.sdc;
const isKnown = (key: string): key is PhraseKey => Object.hasOwn(sv.sdc, key);
const isDetailed = (key: string): key is keyof typeof sv.sdcDetailed => Object.hasOwn(sv.sdcDetailed, key);
const isTemplateValues = (v: unknown): v is Record<string, string | number> =>
  isRecord(v) && Object.values(v).every((x) => typeof x === "string" || typeof x === "number");
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((n) => typeof n === "number");

/** A phrase as stored, or undefined when it has another shape. */
export function readPhrase(value: unknown): SdcPhrase | undefined {
  if (!isRecord(value) || typeof value.key !== "string") return undefined;
  const { values, detail } = value;
  if ((values !== undefined && !isTemplateValues(values)) || (detail !== undefined && !isTemplateValues(detail)))
    return undefined;
  return { key: value.key, ...(values && { values }), ...(detail && { detail }) };
}

/** A check's saying as stored, or undefined when it has none or another shape. */
export function readSaying(value: unknown): SdcSaying | undefined {
  if (!isRecord(value)) return undefined;
  if ("phrase" in value) {
    const phrase = readPhrase(value.phrase);
    return phrase && { phrase };
  }
  if (Array.isArray(value.flagged)) {
    const flagged = value.flagged.map((f) => {
      const label = isRecord(f) ? readPhrase(f.label) : undefined;
      return label && (f.status === "fail" || f.status === "review") && typeof f.count === "number" && isNumbers(f.rows)
        ? { status: f.status, label, count: f.count, rows: f.rows }
        : undefined;
    });
    const read = flagged.filter((f) => f !== undefined);
    return read.length === flagged.length ? { flagged: read } : undefined;
  }
  if (Array.isArray(value.models)) {
    const models = value.models.map((m) => {
      const reason = isRecord(m) ? readPhrase(m.reason) : undefined;
      const jsonPath = typeof m.jsonPath === "string" ? { jsonPath: m.jsonPath } : {};
      return reason && typeof m.path === "string" ? { path: m.path, ...jsonPath, reason } : undefined;
    });
    const read = models.filter((m) => m !== undefined);
    return read.length === models.length ? { models: read } : undefined;
  }
  return undefined;
}

/** One phrase in the reader's language, or undefined when this UI does not know its key. */
export function phraseText(phrase: SdcPhrase, t: TFunction): string | undefined {
  if (phrase.detail && isDetailed(phrase.key))
    return t(`sdcDetailed.${phrase.key}`, localValues({ ...phrase.values, ...phrase.detail }, t));
  return isKnown(phrase.key) ? t(`sdc.${phrase.key}`, localValues(phrase.values ?? {}, t)) : undefined;
}

/** The checks write shares as "62.5 %"; in Swedish that is "62,5 %". Other values are the file's own text, kept as written. */
function localValues(values: NonNullable<SdcPhrase["values"]>, t: TFunction): Record<string, string | number> {
  const point = t("checks.decimalPoint");
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [
      k,
      typeof v === "string" && /^-?\d+\.\d+ %$/.test(v) ? v.replace(".", point) : v,
    ]),
  );
}

/** What a check found, in the reader's language; its English message when any part is unknown. */
export function checkSaid(check: { message: string; says?: SdcSaying }, t: TFunction): Said {
  const text = check.says && sayingText(check.says, t);
  return text === undefined ? { text: check.message, lang: "en" } : { text };
}

/** Why a cell was flagged, in the reader's language; its English reasons when any is unknown. */
export function reasonsSaid(cell: { reasons: string[]; says?: SdcPhrase[] }, t: TFunction): Said {
  const texts = cell.says?.map((p) => phraseText(p, t));
  return texts && texts.every((text) => text !== undefined)
    ? { text: texts.join("; ") }
    : { text: cell.reasons.join("; "), lang: "en" };
}

function sayingText(saying: SdcSaying, t: TFunction): string | undefined {
  if ("phrase" in saying) return phraseText(saying.phrase, t);
  const parts =
    "flagged" in saying
      ? saying.flagged.map((f) => {
          const label = phraseText(f.label, t);
          return label && `${label}: ${t("checks.cells", { count: f.count })} (${rowsText(f.rows, f.count, t)})`;
        })
      : saying.models.map((m) => {
          const reason = phraseText(m.reason, t);
          return reason && `${m.jsonPath ?? m.path}: ${reason}`;
        });
  if (parts.some((part) => part === undefined)) return undefined;
  const text = parts.join("; ");
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function rowsText(named: number[], count: number, t: TFunction): string {
  const rows = named.join(", ");
  return count > named.length
    ? t("checks.rowsMore", { rows, more: count - named.length })
    : t("checks.rows", { rows, count });
}
