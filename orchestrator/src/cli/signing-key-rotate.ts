import { parseArgs } from "node:util";
import { parseConfig } from "../config";
import { SpeError } from "../errors";
import { rotateSigningKey, signingKeyFilesOf } from "../keys/signing-keys";
import { EXIT, UsageError } from "./usage";

const OPTIONS = { "data-dir": { type: "string" }, key: { type: "string" }, retired: { type: "string" } } as const;

/**
 * `spe signing-key rotate [--data-dir DIR | --key FILE --retired FILE]`: a new signing key in place of the
 * current one, whose public half joins the retired keys (so that what it signed still verifies). Without
 * options, the files the orchestrator reads (SIGNING_KEY_FILE and SIGNING_RETIRED_KEYS_FILE, else under DATA_DIR).
 */
export async function signingKeyRotate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true });
  if (positionals.length > 0) throw new UsageError("spe signing-key rotate takes no arguments besides its options.");
  const files = signingKeyFilesOf(
    parseConfig({
      DATA_DIR: values["data-dir"] ?? process.env.DATA_DIR,
      SIGNING_KEY_FILE: values.key ?? process.env.SIGNING_KEY_FILE,
      RELEASE_SIGNING_KEY_FILE: values.key ? undefined : process.env.RELEASE_SIGNING_KEY_FILE,
      SIGNING_RETIRED_KEYS_FILE: values.retired ?? process.env.SIGNING_RETIRED_KEYS_FILE,
    }),
  );
  try {
    const { retired, current } = await rotateSigningKey(files);
    console.log(
      `Rotated the signing key: ${current} signs from the orchestrator's next start; ${retired} is retired to ${files.retiredFile} and still verifies.`,
    );
    return EXIT.ok;
  } catch (err) {
    if (err instanceof SpeError) throw new UsageError(err.message);
    throw err;
  }
}
