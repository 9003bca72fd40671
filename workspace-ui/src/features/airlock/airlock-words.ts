import type { CheckStatus, FileDecision, OutputFileType, RequestState, Vote } from "./airlock-api";

/**
 * The airlock's vocabulary in Swedish, keyed by the API's values. Kept in one place so that a second
 * language is one more object of the same shape; sentences that are only used once stay with their page.
 */
export const REQUEST_STATE_WORDS: Record<RequestState, { label: string; detail: string }> = {
  draft: { label: "Utkast", detail: "Förfrågan är inte inskickad ännu." },
  submitted: { label: "Inskickad", detail: "Filerna väntar på utdatagranskare." },
  in_review: { label: "Granskas", detail: "Utdatagranskarna har börjat granska filerna." },
  approved: { label: "Godkänd", detail: "Filerna är godkända och lämnas ut strax." },
  changes_requested: { label: "Ändringar begärda", detail: "Granskarna vill att du ändrar en eller flera filer och skickar in dem igen." },
  rejected: { label: "Avslagen", detail: "Ingen av filerna får lämna miljön." },
  released: { label: "Utlämnad", detail: "De godkända filerna kan laddas ner." },
  withdrawn: { label: "Återkallad", detail: "Förfrågan drogs tillbaka och lämnas inte ut." },
};

export const DECISION_WORDS: Record<FileDecision, string> = {
  pending: "Väntar på granskning",
  conflicted: "Granskarna är oeniga – en till granskare avgör",
  approved: "Godkänd",
  changes_requested: "Ändringar begärda",
  rejected: "Avslagen",
};

/** What a checker chooses (imperative) and what was chosen (past tense). */
export const VOTE_WORDS: Record<Vote, { choose: string; chosen: string }> = {
  approve: { choose: "Godkänn", chosen: "Godkände" },
  request_changes: { choose: "Begär ändringar", chosen: "Begärde ändringar" },
  reject: { choose: "Avslå", chosen: "Avslog" },
};

export const FILE_TYPE_WORDS: Record<OutputFileType, string> = {
  frequency: "Frekvenstabell (antal)",
  magnitude: "Magnitudtabell (summor, medelvärden)",
  regression: "Regressionsresultat",
  figure: "Figur",
  code: "Analyskod",
  text: "Text",
  other: "Annat",
};

export const CHECK_STATUS_WORDS: Record<CheckStatus, { label: string; symbol: string }> = {
  pass: { label: "Godkänd", symbol: "✓" },
  review: { label: "Granskas manuellt", symbol: "!" },
  fail: { label: "Underkänd", symbol: "✗" },
};

/** Cells that did not pass: `fail` or left to a person. */
export const CELL_STATUS_WORDS: Record<Exclude<CheckStatus, "pass">, string> = {
  review: "att granska",
  fail: "underkänd",
};

const CHECK_NAMES: Record<string, string> = {
  threshold: "Minsta antal",
  zeros: "Nollceller",
  rounding: "Avrundning",
  "nk-dominance": "Dominans (NK-regeln)",
  "p-ratio": "p-kvot",
  "identical-values": "Identiska värden",
  "negative-values": "Negativa värden",
  values: "Värden",
  "residual-df": "Residualfrihetsgrader",
  "manual-review": "Manuell granskning",
};

export const checkName = (name: string) => CHECK_NAMES[name] ?? name;
