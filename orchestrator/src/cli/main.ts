// The `spe` command (bin/spe.js runs this file through tsx).
import { auditExport } from "./audit-export";
import { auditVerify } from "./audit-verify";
import { permitImport } from "./permit-import";
import { permitSign } from "./permit-sign";
import { permitValidate } from "./permit-validate";
import { EXIT, USAGE, UsageError } from "./usage";

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  validate: permitValidate,
  import: permitImport,
  sign: permitSign,
};

const AUDIT_COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  verify: auditVerify,
  export: auditExport,
};

async function run(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  if (group === "help" || group === "--help" || group === "-h") {
    console.log(USAGE);
    return EXIT.ok;
  }
  const commands = group === "permit" ? COMMANDS : group === "audit" ? AUDIT_COMMANDS : {};
  const handler = command !== undefined && Object.hasOwn(commands, command) ? commands[command] : undefined;
  if (!handler) throw new UsageError(`Unknown command: spe ${argv.slice(0, 2).join(" ")}`);
  return handler(rest);
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (err) {
  // node:util parseArgs reports unknown or incomplete options with codes ERR_PARSE_ARGS_*.
  const usage = err instanceof UsageError || String((err as NodeJS.ErrnoException).code).startsWith("ERR_PARSE_ARGS");
  console.error(usage ? `${(err as Error).message}\n\n${USAGE}` : err);
  process.exitCode = usage ? EXIT.usage : EXIT.invalid;
}
