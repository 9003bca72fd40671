import { createHash } from "node:crypto";
import { SpeError } from "../../errors";
import type { SdcStatus } from "../sdc/combine-status";
import type { SdcProfile } from "../sdc/profile";
import { laxerSettings, type LaxerSetting } from "./acro-config";
import { parseAcroResults, type AcroOutput } from "./acro-results";
import { recheckAcroOutput, type AcroRecheck } from "./acro-recheck";

/** What never leaves an ACRO folder: ACRO's own bookkeeping and the summary it writes for checkers only. */
export const ACRO_KEPT_BACK = /^(?:results\.json|config\.json|session_summary\..*|checksums\/.*)$/;

/**
 * ACRO 1.0.2's known defects, which the checkers' page states beside its verdicts: they are why its
 * verdicts are evidence, never the decision.
 */
export const ACRO_KNOWN_DEFECTS = [
  "counts rows rather than contributors where values are missing",
  "decides exactly-90 % dominance in floating point",
  "never runs its all-values-identical check",
  "drops dominance for a whole table when one value is negative",
  "fails every survival table",
] as const;

/** One output of the session: ACRO's word on it and ours, side by side. */
export interface AcroOutputReport {
  uid: string;
  type: string;
  files: string[];
  acro: { status: SdcStatus; summary: string; comments: string[]; exception: string; flaggedCells: number };
  /** Our own check of what we can read (a crosstab made long, a regression's residual df); review otherwise. */
  ours: AcroRecheck;
  /** ACRO and our recheck disagree: the checker should look at why. */
  disagree: boolean;
}

export interface AcroBundleReport {
  acroVersion: string;
  /** The SHA-256 of results.json, verified against its checksum: the evidence the report was read from. */
  resultsSha256: string;
  /** Files that leave if approved, with their SHA-256 (each verified against ACRO's checksum). */
  release: Array<{ name: string; sha256: string }>;
  /** Files kept back (results.json, config.json, session_summary.*, checksums/). */
  keptBack: string[];
  /** Settings of the session laxer than the permit's profile; `config.json` missing is one too. */
  laxer: LaxerSetting[];
  outputs: AcroOutputReport[];
  knownDefects: readonly string[];
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/**
 * Reads an ACRO output folder (its files by path relative to the folder) as one unit: `results.json`
 * parsed, every listed file present and matching its `checksums/<name>.txt`, the session's config held
 * against the permit's profile, and each output rechecked by our own rules where we can read it. Refuses
 * with OUTPUT_FILE_UNREADABLE, naming what is wrong, when the results are malformed, a file is missing or a
 * checksum does not match: nothing of such a folder is kept. ACRO's files are written in the researcher's
 * session, unsigned, so its verdicts are reported as evidence beside ours and never decide.
 */
export function readAcroBundle(files: ReadonlyMap<string, Uint8Array>, profile: SdcProfile): AcroBundleReport {
  const resultsBytes = files.get("results.json");
  if (!resultsBytes) throw unreadable("The folder has no results.json: it is not an ACRO output folder.");
  const results = parseAcroResults(resultsBytes);
  const outputs = Object.values(results.results);
  const listed = [...new Set(outputs.flatMap((o) => o.files.map((f) => f.name)))];
  for (const name of ["results.json", ...listed]) verifyChecksum(files, name);
  const config = files.get("config.json");
  const laxer = config
    ? laxerSettings(parseConfig(config), profile)
    : [{ setting: "config.json", acro: false, profile: true }];
  const release = listed
    .filter((name) => !ACRO_KEPT_BACK.test(name))
    .sort()
    .map((name) => ({ name, sha256: sha256(files.get(name)!) }));
  const keptBack = [...files.keys()].filter((name) => ACRO_KEPT_BACK.test(name)).sort();
  return {
    acroVersion: results.version,
    resultsSha256: sha256(resultsBytes),
    release,
    keptBack,
    laxer,
    outputs: outputs
      .filter((o) => o.files.some((f) => !ACRO_KEPT_BACK.test(f.name)))
      .map((o) => report(o, files, profile)),
    knownDefects: ACRO_KNOWN_DEFECTS,
  };
}

function report(output: AcroOutput, files: ReadonlyMap<string, Uint8Array>, profile: SdcProfile): AcroOutputReport {
  const ours = recheckAcroOutput(output, files, profile);
  const flaggedCells = output.files.reduce((sum, f) => sum + flaggedIn(f.sdc), 0);
  return {
    uid: output.uid,
    type: output.type,
    files: output.files.map((f) => f.name),
    acro: {
      status: output.status,
      summary: output.summary,
      comments: output.comments,
      exception: output.exception,
      flaggedCells,
    },
    ours,
    disagree: ours.status !== output.status,
  };
}

/** How many cells ACRO's checks flagged in one file (`sdc.cells`: check → list of [row, column]). */
function flaggedIn(sdc: Record<string, unknown>): number {
  const cells = sdc.cells;
  if (typeof cells !== "object" || cells === null) return 0;
  const seen = new Set<string>();
  for (const list of Object.values(cells))
    if (Array.isArray(list)) for (const cell of list) seen.add(JSON.stringify(cell));
  return seen.size;
}

function verifyChecksum(files: ReadonlyMap<string, Uint8Array>, name: string): void {
  const bytes = files.get(name);
  if (!bytes) throw unreadable(`results.json lists ${name}, which is not in the folder.`);
  const recorded = files.get(`checksums/${name}.txt`);
  if (!recorded) throw unreadable(`${name} has no checksum (checksums/${name}.txt).`);
  const expected = new TextDecoder().decode(recorded).trim().toLowerCase();
  if (expected !== sha256(bytes))
    throw unreadable(`${name} does not match its checksum: it was changed after ACRO wrote it. Run finalise again.`);
}

function parseConfig(bytes: Uint8Array): Record<string, unknown> {
  try {
    const data: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof data === "object" && data !== null && !Array.isArray(data)) return data as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw unreadable("config.json is not ACRO's configuration (a JSON object).");
}

function unreadable(message: string): SpeError {
  return new SpeError("OUTPUT_FILE_UNREADABLE", message);
}
