import { parseArgs } from "node:util";
import { ExtractRejectedError, describeIssues, readMasterKeyFile, pseudonymiseExtract } from "../datasets";
import { SpeError } from "../errors";
import { descriptorArgument, referenceDateArgument } from "./descriptor-argument";
import { EXIT, UsageError } from "./usage";

/**
 * `spe pseudonymise --permit P --key-file K --descriptor D IN OUT`: validates IN and writes its pseudonymised
 * Parquet and manifest.json into the new folder OUT. 0 done, 1 extract refused (OUT not created), 2 usage.
 */
export async function pseudonymise(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      permit: { type: "string" },
      "key-file": { type: "string" },
      descriptor: { type: "string" },
      "reference-date": { type: "string" },
      json: { type: "boolean" },
    },
    allowPositionals: true,
  });
  if (!values.permit) throw new UsageError("spe pseudonymise needs --permit PERMIT-ID.");
  if (!values["key-file"])
    throw new UsageError("spe pseudonymise needs --key-file FILE (the master key, hex or base64).");
  if (positionals.length !== 2) throw new UsageError("spe pseudonymise takes an extract IN and an output folder OUT.");
  const descriptor = descriptorArgument(values.descriptor, "spe pseudonymise");
  const masterKey = usage(() => readMasterKeyFile(values["key-file"]!));
  const [input, outputDir] = positionals as [string, string];

  const started = performance.now();
  try {
    const manifest = await pseudonymiseExtract({
      input,
      outputDir,
      descriptor,
      permitId: values.permit,
      masterKey,
      referenceDate: referenceDateArgument(values["reference-date"]),
    });
    const seconds = (performance.now() - started) / 1000;
    if (values.json) console.log(JSON.stringify(manifest));
    else
      console.log(
        `Pseudonymised ${manifest.rows} rows of ${descriptor.id} ${descriptor.version} for permit ${values.permit} ` +
          `(${manifest.pseudonymisation.distinctIdentifiers} distinct identifiers) into ${outputDir} in ${seconds.toFixed(1)} s: ` +
          `${manifest.files.map((f) => f.path).join(", ")}, manifest.json.`,
      );
    return EXIT.ok;
  } catch (err) {
    if (err instanceof SpeError && (err.code === "PSEUDONYM_KEY_INVALID" || err.code === "DELIVERY_OUTPUT_EXISTS"))
      throw new UsageError(`${err.code}: ${err.message}`);
    if (!(err instanceof SpeError)) throw err;
    if (values.json)
      console.log(
        JSON.stringify({
          error: { code: err.code, message: err.message },
          ...(err instanceof ExtractRejectedError ? { report: err.report } : {}),
        }),
      );
    else
      console.error(
        err instanceof ExtractRejectedError
          ? `Refused: ${err.code}; nothing was written:\n${describeIssues(err.report.issues)}`
          : `Refused: ${err.code}: ${err.message}`,
      );
    return EXIT.invalid;
  }
}

function usage<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof SpeError) throw new UsageError(`${err.code}: ${err.message}`);
    throw err;
  }
}
