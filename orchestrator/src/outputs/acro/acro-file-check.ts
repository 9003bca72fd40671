import { combineStatus } from "../sdc/combine-status";
import { english, say } from "../sdc/phrases";
import type { SdcReport } from "../sdc/check-file";
import type { SdcCheck } from "../sdc/report";
import type { AcroBundleReport } from "./acro-bundle";

/** What a checker is shown of ACRO's own record of one output, beside our checks. */
export interface AcroEvidence {
  version: string;
  /** The folder in the outbox the output came from. */
  folder: string;
  resultsSha256: string;
  uid: string;
  /** ACRO's type of output (`table`, `regression`, `histogram`, …). */
  outputType: string;
  status: SdcReport["status"];
  summary: string;
  comments: string[];
  /** The researcher's exception request (why the output should leave although ACRO flagged it). */
  exception: string;
  flaggedCells: number;
  /** How we checked it ourselves, and what we found. */
  ours: { status: SdcReport["status"]; method: "crosstab" | "regression" | "none"; how: string };
  disagree: boolean;
  laxer: AcroBundleReport["laxer"];
  knownDefects: readonly string[];
}

/** An ACRO output file's report: our checks as any report has them, and ACRO's word on it as `acro`. */
export type AcroFileReport = SdcReport & { acro: AcroEvidence };

/**
 * The check of one released file of an ACRO folder (`name` relative to the folder): our recheck's
 * findings for the file, whether ACRO's status agrees with ours, and whether the session's settings were
 * as strict as the permit's profile. A laxer session is flagged for review, not refused: our recheck
 * applies the profile whatever ACRO was set to, so only ACRO's evidence is weaker. ACRO's status is
 * evidence beside the checks and never sets the file's status.
 */
export function acroFileCheck(bundle: AcroBundleReport, folder: string, name: string, profile: string): AcroFileReport {
  const output = bundle.outputs.find((o) => o.files.includes(name));
  if (!output) throw new Error(`${name} is not an output of the bundle`);
  const findings = output.ours.findings[name] ?? { checks: [], cells: [] };
  const checks: SdcCheck[] = [
    ...findings.checks,
    check("acro-status", output.disagree ? "review" : "pass", say(output.disagree ? "acro-disagrees" : "acro-agrees")),
    bundle.laxer.length
      ? check(
          "acro-config",
          "review",
          say("acro-config-laxer", { settings: bundle.laxer.map((l) => l.setting).join(", ") }),
        )
      : check("acro-config", "pass", say("acro-config-as-strict")),
  ];
  return {
    status: combineStatus(checks.map((c) => c.status)),
    type: "acro",
    profile,
    checks,
    cells: findings.cells,
    acro: {
      version: bundle.acroVersion,
      folder,
      resultsSha256: bundle.resultsSha256,
      uid: output.uid,
      outputType: output.type,
      ...output.acro,
      ours: { status: output.ours.status, method: output.ours.method, how: output.ours.how },
      disagree: output.disagree,
      laxer: bundle.laxer,
      knownDefects: bundle.knownDefects,
    },
  };
}

function check(name: string, status: SdcCheck["status"], phrase: ReturnType<typeof say>): SdcCheck {
  return { name, status, message: english(phrase), says: { phrase } };
}
