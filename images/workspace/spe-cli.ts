// The `spe` command inside a workspace. Only `spe output check`: a researcher runs the airlock's disclosure
// checks on a result before asking to export it. The other commands (permits, audit, deliveries,
// pseudonymisation) have no business inside an environment, and leaving them out keeps DuckDB, PGlite and
// the signing code out of the image.
import { outputCheck } from "../../orchestrator/src/cli/output-check";
import { EXIT, UsageError } from "../../orchestrator/src/cli/usage";

const USAGE = `Usage:
  spe output check FILE --type TYPE [--profile NAME] [--count-column NAME] [--json]
      Run the airlock's automated disclosure checks on an output file before you submit it. TYPE: frequency,
      magnitude, regression, figure, code, text or other; NAME: a disclosure-control profile (default
      "default"); the count column of a frequency table defaults to "count".
      Exit 0 pass, 1 fail or review, 2 usage or unreadable file.`;

async function run(argv: string[]): Promise<number> {
  const [group, command, ...args] = argv;
  if (group === "help" || group === "--help" || group === "-h") {
    console.log(USAGE);
    return EXIT.ok;
  }
  if (group !== "output" || command !== "check")
    throw new UsageError(`Unknown command in a workspace: spe ${argv.slice(0, 2).join(" ")}`);
  return outputCheck(args);
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (err) {
  // node:util parseArgs reports unknown or incomplete options with codes ERR_PARSE_ARGS_*.
  const usage = err instanceof UsageError || String((err as NodeJS.ErrnoException).code).startsWith("ERR_PARSE_ARGS");
  console.error(usage ? `${(err as Error).message}\n\n${USAGE}` : err);
  process.exitCode = usage ? EXIT.usage : EXIT.invalid;
}
