import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { SpeError } from "../errors";
import { checkOutputFile, SDC_OUTPUT_TYPES, type SdcOutputType, type SdcReport } from "../outputs/sdc/check-file";
import { loadSdcProfile, type SdcProfile } from "../outputs/sdc/profile";
import { EXIT, UsageError } from "./usage";

/** How many flagged cells the report in words shows; --json lists them all. */
const CELLS_SHOWN = 20;

/**
 * `spe output check FILE --type TYPE [--profile NAME] [--count-column NAME] [--json]`: exit 0 when the
 * file passes, 1 when it fails or needs review, 2 for a usage error or a file that cannot be read as its type.
 */
export async function outputCheck(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      type: { type: "string" },
      profile: { type: "string", default: "default" },
      "count-column": { type: "string" },
      json: { type: "boolean" },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError("spe output check takes exactly one FILE.");
  const file = positionals[0]!;
  const type = outputType(values.type);
  const profile = profileNamed(values.profile);
  const bytes = readBytes(file);

  let report: SdcReport;
  try {
    report = await checkOutputFile({ bytes, name: file, type, profile, countColumn: values["count-column"] });
  } catch (err) {
    if (!(err instanceof SpeError && err.code === "OUTPUT_FILE_UNREADABLE")) throw err;
    console.error(`Cannot check ${file} as ${type}: ${err.code}: ${err.message}`);
    return EXIT.usage;
  }
  if (values.json) console.log(JSON.stringify({ status: report.status, checks: report.checks, cells: report.cells }));
  else console.log(inWords(file, report));
  return report.status === "pass" ? EXIT.ok : EXIT.invalid;
}

function outputType(type: string | undefined): SdcOutputType {
  if (type === undefined) throw new UsageError(`spe output check needs --type (${SDC_OUTPUT_TYPES.join(", ")}).`);
  if (!(SDC_OUTPUT_TYPES as readonly string[]).includes(type))
    throw new UsageError(`--type ${type} is not one of ${SDC_OUTPUT_TYPES.join(", ")}.`);
  return type as SdcOutputType;
}

function profileNamed(name: string): SdcProfile {
  try {
    return loadSdcProfile(name);
  } catch (err) {
    if (err instanceof SpeError) throw new UsageError(`${err.code}: ${err.message}`);
    throw err;
  }
}

function readBytes(file: string): Buffer {
  try {
    return readFileSync(file === "-" ? 0 : file);
  } catch (err) {
    throw new UsageError(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The short report: the outcome, each check, then the flagged cells (row, column, why). */
function inWords(file: string, report: SdcReport): string {
  const lines = [`${report.status.toUpperCase()}: ${file} (${report.type}, profile ${report.profile})`];
  for (const check of report.checks) lines.push(`  ${check.status.padEnd(6)} ${check.name}: ${check.message}`);
  if (report.cells.length) {
    lines.push("Cells:");
    for (const cell of report.cells.slice(0, CELLS_SHOWN))
      lines.push(`  row ${cell.row}, ${cell.column}: ${cell.status}: ${cell.reasons.join("; ")}`);
    if (report.cells.length > CELLS_SHOWN)
      lines.push(`  … and ${report.cells.length - CELLS_SHOWN} more (--json lists every cell)`);
  }
  return lines.join("\n");
}
