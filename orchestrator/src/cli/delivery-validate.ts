import { parseArgs } from "node:util";
import { describeIssues, validateExtract } from "../datasets";
import { SpeError } from "../errors";
import { descriptorArgument, referenceDateArgument } from "./descriptor-argument";
import { EXIT, UsageError } from "./usage";

/** `spe delivery validate --descriptor D FILE [--json]`: a dry run that stores nothing. 0 valid, 1 invalid, 2 usage. */
export async function deliveryValidate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      descriptor: { type: "string" },
      json: { type: "boolean" },
      "reference-date": { type: "string" },
      "first-rows": { type: "string", default: "10" },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError("spe delivery validate takes exactly one FILE.");
  const descriptor = descriptorArgument(values.descriptor, "spe delivery validate");
  const firstRows = Number(values["first-rows"]);
  if (!Number.isInteger(firstRows) || firstRows < 1)
    throw new UsageError("--first-rows takes a whole number of at least 1.");

  try {
    const report = await validateExtract({
      input: positionals[0]!,
      descriptor,
      referenceDate: referenceDateArgument(values["reference-date"]),
      firstRows,
    });
    if (values.json) console.log(JSON.stringify(report));
    else if (report.valid)
      console.log(
        `Valid: ${report.rows} rows of ${descriptor.id} ${descriptor.version} (${report.format}), ${report.identifiers.distinct} distinct identifiers.`,
      );
    else
      console.error(
        `Invalid: ${report.issues.length} problem(s) in ${descriptor.id} ${descriptor.version}:\n${describeIssues(report.issues)}`,
      );
    return report.valid ? EXIT.ok : EXIT.invalid;
  } catch (err) {
    if (!(err instanceof SpeError)) throw err;
    if (values.json) console.log(JSON.stringify({ valid: false, error: { code: err.code, message: err.message } }));
    else console.error(`Invalid: ${err.code}: ${err.message}`);
    return EXIT.invalid;
  }
}
