import { fillTemplate, type TemplateValues } from "../../message-template";

/**
 * Every sentence the disclosure checks say, in English, as templates with `{{slot}}` for the values. A report
 * keeps each sentence both ways: the English text (for the CLI, logs and release records) and the key with
 * its values, so the UI can say it in the reader's language. The UI's locales carry the same keys under
 * `sdc` with the same slots; its tests hold both to this list.
 *
 * No sentence here carries anything read from the file (a cell's text or number, a header, a JSON key),
 * and the values of the slots come from the profile alone: these sentences name cells by row and column.
 * Researchers see their reports before anyone has reviewed the file, so a report that quoted cells would
 * carry them out of the environment unchecked. What the checks read from the file (the count below the
 * threshold, the dominance share, the df) is a phrase's `detail`, said by SDC_DETAILED_PHRASES, for output
 * checkers only; `researcherReport` takes it out on the way to the researcher.
 */
export const SDC_PHRASES = {
  "no-rows": "The table has no data rows.",
  "cells-failed": "fail",
  "cells-reviewed": "to review",
  "not-checked-figure": "A figure file is not checked automatically; an output checker reviews it.",
  "not-checked-code": "A code file is not checked automatically; an output checker reviews it.",
  "not-checked-text": "A text file is not checked automatically; an output checker reviews it.",
  "not-checked-other": "A file of no recognised type is not checked automatically; an output checker reviews it.",

  "acro-not-rechecked": "Our checks cannot read this kind of ACRO output: an output checker reviews it.",
  "acro-agrees": "ACRO's status for this output is the same as our checks'.",
  "acro-disagrees":
    "ACRO's status for this output differs from our checks': compare ACRO's evidence with ours before deciding.",
  "acro-config-as-strict": "The ACRO session's settings are at least as strict as the permit's rule profile.",
  "acro-config-laxer":
    "The ACRO session ran with settings laxer than the permit's rule profile ({{settings}}): its verdicts say less than they seem to. Our checks applied the profile.",

  "formula-cells-none": "No cell that a spreadsheet would run as a formula.",
  "formula-cells-found": "starts like a spreadsheet formula",
  "formula-cell":
    "starts like a spreadsheet formula (=, +, -, @): opened in a spreadsheet it may run, or send data to a web address",

  "reads-as-frequency": "Declared as another type, but it reads as a frequency table: checked as one.",
  "reads-as-magnitude": "Declared as another type, but it reads as a magnitude table: checked as one.",
  "reads-as-regression": "Declared as another type, but it reads as a regression summary: checked as one.",
  "reads-as-histogram": "Declared as another type, but it reads as a histogram: checked as one.",
  "reads-as-survival": "Declared as another type, but it reads as a survival table: checked as one.",
  "reads-as-table":
    "Declared as another type, but it reads as a table whose columns the checks do not recognise: an output checker reviews it as a table.",

  "image-pixels-only":
    "Nothing but pixels was found. The image was re-encoded to a fresh raster all the same; that is what checkers see and what leaves.",
  "image-beyond-pixels":
    "The image carried more than its pixels (text, metadata, data after its end, or more bytes than its pixels need). It was re-encoded to a fresh raster, so none of that leaves; an output checker looks at why it was there.",

  "frequency-no-count-column": 'No column named "{{column}}"; name the count column (CLI: --count-column).',
  "frequency-threshold-passed": "Every count is at least {{threshold}}.",
  "frequency-threshold-passed-redacted": "Every count is at least {{threshold}} ({{redacted}} redacted).",
  "frequency-threshold-failed": "count below {{threshold}}",
  "frequency-threshold-reviewed": "not a whole-number count",
  "frequency-cell-not-whole": "not a whole-number count",
  "frequency-cell-below": "a count below the threshold {{threshold}}",
  "frequency-zeros-none": "No zero cells.",
  "frequency-zeros-allowed": "{{zeros}} zero cells; zeros are not disclosive in this profile.",
  "frequency-zeros-failed": "zero count (disclosive)",
  "frequency-cell-zero": "a zero count shows that nobody in this group has the attribute",
  "frequency-rounding-passed": "Every count is a multiple of {{base}}.",
  "frequency-rounding-failed": "count not a multiple of {{base}}",
  "frequency-cell-not-rounded": "a count that is not a multiple of {{base}}",

  "totals-none": "No total rows (labelled {{labels}}).",
  "totals-passed": "Every total row equals the sum of its cells (redacted cells as 0).",
  "totals-failed": "total not the sum of its cells",
  "totals-reviewed": "total over unreadable cells",
  "totals-cell-unreadable": "a total over cells that are not all whole-number counts",
  "totals-cell-wrong": "a total that is not the sum of its cells; compute totals from the published cells",

  "magnitude-needs-n":
    "Needs the column n (the number of contributors to each cell) to check the threshold of {{threshold}}.",
  "magnitude-needs-column":
    "Needs the column {{columns}} (cell total, contributors, two largest contributions); without it dominance cannot be checked.",
  "magnitude-needs-columns":
    "Needs the columns {{columns}} (cell total, contributors, two largest contributions); without them dominance cannot be checked.",
  "magnitude-threshold-passed": "Every cell has at least {{threshold}} contributors.",
  "magnitude-threshold-failed": "fewer than {{threshold}} contributors",
  "magnitude-threshold-reviewed": "unreadable n",
  "magnitude-cell-n-unreadable": "n is not a whole number of contributors",
  "magnitude-cell-few": "fewer contributors than the threshold {{threshold}}",
  "magnitude-cell-not-numbers": "value, max1 and max2 must be numbers",
  "magnitude-cell-negative": "a negative value or contribution: dominance is undefined",
  "magnitude-cell-negative-min":
    "a negative smallest contribution (min): the largest contributions can exceed what the total shows, so dominance is undefined",
  "magnitude-cell-inconsistent":
    "max1, max2, min and value do not fit together (max2 > max1, min > max1 or max1 + max2 > value)",
  "magnitude-cell-identical": "all contributions are the same",
  "magnitude-cell-dominated-1": "the largest contribution makes up at least {{k}} of the total",
  "magnitude-cell-dominated-2": "the largest two contributions make up at least {{k}} of the total",
  "magnitude-cell-p-ratio":
    "the rest of the total (value − max1 − max2) is less than {{p}} of the largest contribution",
  "magnitude-nk-passed-1": "No cell is dominated by its largest contributor ({{k}}).",
  "magnitude-nk-passed-2": "No cell is dominated by its two largest contributors ({{k}}).",
  "magnitude-nk-failed": "dominated (NK {{n}}, {{k}})",
  "magnitude-p-ratio-passed": "Every cell's largest contribution is protected by at least {{p}}.",
  "magnitude-p-ratio-failed": "p-ratio below {{p}}",
  "magnitude-identical-passed": "No cell whose contributions are all the same.",
  "magnitude-identical-failed": "all contributions the same",
  "magnitude-negative-passed": "No negative values.",
  "magnitude-negative-reviewed": "negative values (dominance undefined)",
  "magnitude-values-passed": "Every cell's value, max1 and max2 are numbers that fit together.",
  "magnitude-values-reviewed": "unreadable or inconsistent value, max1, max2",

  "histogram-needs-columns":
    "A histogram needs the columns lower, upper and count (one row per bin); without them it cannot be checked.",
  "histogram-threshold-passed": "Every bin holds at least {{threshold}}.",
  "histogram-zeros-allowed": "Empty bins are not disclosive in this profile.",
  "histogram-bin-empty": "an empty bin shows that nobody has a value in this range",
  "histogram-edges-open": "The outermost bins are open-ended: no edge is a smallest or largest value.",
  "histogram-edges-closed": "an outermost edge that may be the smallest or largest value",
  "histogram-edge-lowest":
    "the lowest bin's lower edge may be the smallest value in the data; leave it open (empty or -Inf) or show it is not",
  "histogram-edge-highest":
    "the highest bin's upper edge may be the largest value in the data; leave it open (empty or Inf) or show it is not",
  "histogram-edge-unreadable": "a bin edge that is not a number",

  "survival-needs-columns":
    "A survival table needs a risk-set column (n_risk) and an events column (n_event), one row per step; without them it cannot be checked.",
  "survival-risk-passed": "Every step's risk set is at least {{threshold}}.",
  "survival-risk-failed": "risk set below {{threshold}}",
  "survival-events-passed": "Every step has no events or at least {{threshold}}.",
  "survival-events-failed": "events below {{threshold}}",

  "differencing-none":
    "No count below the threshold follows from combining it with the {{released}} tables released before over the same population.",
  "differencing-found":
    "Combined with a table released before under this permit, it reveals a count below {{threshold}}: an output checker compares them.",

  "regression-missing":
    'No df_resid found: a regression summary must carry the residual degrees of freedom (CSV column or JSON field "df_resid").',
  "regression-passed": "Every model has at least {{minimum}} residual degrees of freedom.",
  "regression-failed": "residual df below {{minimum}}",
  "regression-reviewed": "unreadable df_resid",
  "regression-model-unreadable": "df_resid is not a number of degrees of freedom",
  "regression-model-below": "fewer residual degrees of freedom than {{minimum}}",
} as const;

export type SdcPhraseKey = keyof typeof SDC_PHRASES;

/**
 * The same sentences with what the check read from the file, for output checkers, who judge it with the
 * file in front of them: the count below the threshold, the dominance share, the df, the text that is not
 * a number. Each has the slots of its plain sentence and its phrase's `detail`. Never for a researcher.
 */
export const SDC_DETAILED_PHRASES = {
  "frequency-no-count-column":
    'No column named "{{column}}" (the columns are {{columns}}); name the count column (CLI: --count-column).',
  "frequency-cell-not-whole": '"{{text}}" is not a whole-number count',
  "frequency-cell-below": "count {{count}} is below the threshold {{threshold}}",
  "frequency-cell-not-rounded": "count {{count}} is not a multiple of {{base}}",
  "totals-cell-wrong":
    "total {{total}} is not the sum of its {{members}} cells ({{sum}}); compute totals from the published cells",
  "magnitude-cell-n-unreadable": 'n "{{text}}" is not a whole number of contributors',
  "magnitude-cell-few": "{{n}} contributors, below the threshold {{threshold}}",
  "magnitude-cell-identical": "all {{n}} contributions are the same ({{value}})",
  "magnitude-cell-dominated-1": "the largest contribution makes up {{share}} of the total, at least {{k}}",
  "magnitude-cell-dominated-2": "the largest two contributions make up {{share}} of the total, at least {{k}}",
  "regression-model-unreadable": "df_resid {{value}} is not a number of degrees of freedom",
  "regression-model-below": "{{df}} residual degrees of freedom, below {{minimum}}",
  "differencing-found":
    "Combined with tables released before under this permit, it reveals a count below {{threshold}}: {{found}}. Compare them.",
  "formula-cell":
    '"{{text}}" starts like a spreadsheet formula (=, +, -, @): opened in a spreadsheet it may run, or send data to a web address',
  "image-pixels-only":
    "Nothing but pixels was found ({{width}} × {{height}} pixels, {{format}}, {{bytes}} bytes). The image was re-encoded to a fresh raster all the same; that is what checkers see and what leaves.",
  "image-beyond-pixels":
    "The image ({{width}} × {{height}} pixels, {{format}}, {{bytes}} bytes) carried more than its pixels: text {{text}} bytes, metadata {{metadata}} bytes, unknown chunks {{unknown}} bytes, after the image's end {{trailing}} bytes ({{names}}); its pixel data takes {{pixelBytes}} bytes where at most {{bound}} are needed. It was re-encoded to a fresh raster, so none of that leaves; look at why it was there.",
} as const satisfies Partial<Record<SdcPhraseKey, string>>;

/**
 * A sentence of a report as a key and its values; `english` renders it. `values` come from the profile;
 * `detail` holds what the check read from the file, for output checkers only (SDC_DETAILED_PHRASES).
 */
export interface SdcPhrase {
  key: SdcPhraseKey;
  values?: TemplateValues;
  detail?: TemplateValues;
}

/**
 * How a check's outcome reads, in parts the UI can translate: one sentence, the cells it flagged under a
 * label ("count below 10: 2 cells (rows 3, 7)"), or, for JSON without rows, each model's place and reason
 * (`path` is its position, "#2 df_resid"; `jsonPath`, for output checkers only, the keys on the way to it).
 */
export type SdcSaying =
  | { phrase: SdcPhrase }
  | { flagged: Array<{ status: "fail" | "review"; label: SdcPhrase; count: number; rows: number[] }> }
  | { models: Array<{ path: string; jsonPath?: string; reason: SdcPhrase }> };

const detailedTemplate = (key: SdcPhraseKey): string | undefined =>
  (SDC_DETAILED_PHRASES as Partial<Record<SdcPhraseKey, string>>)[key];

/** The phrase in English, its slots filled: with its detail when it has some, as an output checker reads it. */
export function english(phrase: SdcPhrase): string {
  const detailed = phrase.detail && detailedTemplate(phrase.key);
  // The profile's values first, then the file's: text from the file is never read as a slot.
  return detailed
    ? fillTemplate(fillTemplate(detailed, phrase.values), phrase.detail)
    : fillTemplate(SDC_PHRASES[phrase.key], phrase.values);
}

export function say(key: SdcPhraseKey, values?: SdcPhrase["values"], detail?: SdcPhrase["detail"]): SdcPhrase {
  if (detail) return values ? { key, values, detail } : { key, detail };
  return values ? { key, values } : { key };
}

/** Each plain sentence's slots, found once. */
const SLOTS = new Map(
  Object.entries(SDC_PHRASES).map(([key, template]) => [
    key,
    new Set([...template.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!)),
  ]),
);

/**
 * The phrase as a researcher may read it: no detail, and only the values its plain sentence has slots for
 * (a report stored before details were kept apart had the file's numbers among its values). The phrase
 * itself when it has nothing more.
 */
export function plainPhrase(phrase: SdcPhrase): SdcPhrase {
  const slots = SLOTS.get(phrase.key)!;
  const names = phrase.values ? Object.keys(phrase.values) : [];
  if (!phrase.detail && names.every((name) => slots.has(name))) return phrase;
  const values = names.filter((name) => slots.has(name)).map((name) => [name, phrase.values![name]!] as const);
  return say(phrase.key, values.length ? Object.fromEntries(values) : undefined);
}

/** Text quoted in a detail stays short: a checker needs to recognise it, not read a paragraph. */
export function quoted(text: string, limit = 60): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}
