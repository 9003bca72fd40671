import { parseArgs } from "node:util";
import type { JWK } from "jose";
import { SpeError } from "../errors";
import { permitPayloadSchema } from "../permits/permit";
import { permitErrorMap, permitIssuesOf } from "../permits/permit-issues";
import { signPermit } from "../permits/sign-permit";
import { EXIT, readJsonArgument, UsageError } from "./usage";

/** `spe permit sign --key KEY.jwk PAYLOAD.json`: prints the compact JWS. */
export async function permitSign(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { key: { type: "string" } }, allowPositionals: true });
  if (!values.key) throw new UsageError("spe permit sign needs --key KEY.jwk (a private JWK).");
  if (positionals.length !== 1) throw new UsageError("spe permit sign takes exactly one PAYLOAD.json.");
  const key = readJsonArgument(values.key, "key file") as JWK;
  const payload = readJsonArgument(positionals[0]!, "payload file");

  // Signed all the same (tests need bad permits), but the integrator hears what a receiver will refuse.
  const checked = permitPayloadSchema.safeParse(payload, { error: permitErrorMap });
  if (!checked.success)
    for (const issue of permitIssuesOf(checked.error.issues)) console.error(`Warning: ${issue.path}: ${issue.message}`);

  try {
    console.log(await signPermit(payload, key));
  } catch (err) {
    if (err instanceof SpeError) throw new UsageError(`${err.code}: ${err.message}`);
    throw err;
  }
  return EXIT.ok;
}
