// The `spe` command (bin/spe.js runs this file through tsx).
import { activityVerify } from "./activity-verify";
import { auditExport } from "./audit-export";
import { auditVerify } from "./audit-verify";
import { deliveryUpload } from "./delivery-upload";
import { deliveryValidate } from "./delivery-validate";
import { evidenceVerify } from "./evidence-verify";
import { outputCheck } from "./output-check";
import { permitImport } from "./permit-import";
import { permitSign } from "./permit-sign";
import { permitValidate } from "./permit-validate";
import { pseudonymise } from "./pseudonymise";
import { signingKeyRotate } from "./signing-key-rotate";
import { synthRegister } from "./synth-register";
import { EXIT, USAGE, UsageError } from "./usage";

type Command = (args: string[]) => Promise<number>;

/** `spe <group> <command>` or, for a group that is one command, `spe <command>`. One line per command. */
const COMMANDS: Record<string, Command | Record<string, Command>> = {
  permit: { validate: permitValidate, import: permitImport, sign: permitSign },
  audit: { verify: auditVerify, export: auditExport },
  activity: { verify: activityVerify },
  evidence: { verify: evidenceVerify },
  output: { check: outputCheck },
  pseudonymise,
  delivery: { validate: deliveryValidate, upload: deliveryUpload },
  synth: { register: synthRegister },
  "signing-key": { rotate: signingKeyRotate },
};

async function run(argv: string[]): Promise<number> {
  const [group, ...rest] = argv;
  if (group === "help" || group === "--help" || group === "-h") {
    console.log(USAGE);
    return EXIT.ok;
  }
  const entry = group !== undefined && Object.hasOwn(COMMANDS, group) ? COMMANDS[group] : undefined;
  if (typeof entry === "function") return entry(rest);
  const [command, ...args] = rest;
  const handler = entry && command !== undefined && Object.hasOwn(entry, command) ? entry[command] : undefined;
  if (!handler) throw new UsageError(`Unknown command: spe ${argv.slice(0, 2).join(" ")}`);
  return handler(args);
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (err) {
  // node:util parseArgs reports unknown or incomplete options with codes ERR_PARSE_ARGS_*.
  const usage = err instanceof UsageError || String((err as NodeJS.ErrnoException).code).startsWith("ERR_PARSE_ARGS");
  console.error(usage ? `${(err as Error).message}\n\n${USAGE}` : err);
  process.exitCode = usage ? EXIT.usage : EXIT.invalid;
}
