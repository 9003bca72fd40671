import { parseArgs } from "node:util";
import { SpeError } from "../errors";
import { trustedIssuersFor } from "../permits/permit-intake";
import { PermitSchemaError } from "../permits/permit-issues";
import type { TrustedIssuers } from "../permits/trusted-issuers";
import { verifyPermit } from "../permits/verify-permit";
import { EXIT, readArgumentFile, UsageError } from "./usage";

interface ValidationError {
  code: string;
  path?: string;
  message: string;
}

/** `spe permit validate FILE [--trusted-issuers FILE] [--json]`: 0 valid, 1 invalid, 2 usage. */
export async function permitValidate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { "trusted-issuers": { type: "string" }, json: { type: "boolean" } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError("spe permit validate takes exactly one FILE.");
  const jws = readArgumentFile(positionals[0]!, "permit file");
  const trustedIssuers = loadTrust(values["trusted-issuers"] ?? process.env.TRUSTED_ISSUERS_FILE);

  try {
    const { payload, kid, alg } = await verifyPermit(jws, { trustedIssuers, now: new Date() });
    const { permitId, sequence, status, issuer, validFrom, validUntil } = payload;
    if (values.json)
      console.log(JSON.stringify({ valid: true, permitId, sequence, status, issuer, kid, alg, validFrom, validUntil }));
    else
      console.log(
        `Valid: permit ${permitId} sequence ${sequence} (${status}) from ${issuer}, signed with key "${kid}" (${alg}); valid ${validFrom} to ${validUntil}.`,
      );
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof SpeError)) throw err;
    const errors = validationErrors(err);
    if (values.json) console.log(JSON.stringify({ valid: false, errors }));
    else console.error(`Invalid: ${err.code}: ${err.message}`);
    return EXIT.invalid;
  }
}

function validationErrors(err: SpeError): ValidationError[] {
  if (err instanceof PermitSchemaError)
    return err.issues.map((i) => ({ code: err.code, path: i.path, message: i.message }));
  return [{ code: err.code, message: err.message }];
}

// A trusted-issuers file that cannot be used is a problem with the call, not with the permit.
function loadTrust(file: string | undefined): TrustedIssuers {
  try {
    return trustedIssuersFor({ trustedIssuersFile: file, production: process.env.NODE_ENV === "production" });
  } catch (err) {
    if (err instanceof SpeError) throw new UsageError(`${err.code}: ${err.message}`);
    throw err;
  }
}
