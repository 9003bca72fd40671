import { SpeError } from "../errors";
import { DEV_HDAB_ISSUER, devHdabPublicKey, isDevHdabKey } from "./dev-hdab";
import { DEMO_HDAB_CLIENT } from "../auth/demo-accounts";
import { readTrustedIssuersFile, type TrustedIssuers } from "./trusted-issuers";
import type { ServedToolName } from "../tools/tool-registry";

/** What permit intake needs besides the database: whom to trust and what time it is. */
export interface PermitIntake {
  trustedIssuers: TrustedIssuers;
  now(): Date;
  /** The tools the installation offers (ENVIRONMENT_SETTINGS `tools`): a new permit naming another is refused. */
  offeredTools?: readonly ServedToolName[];
}

export interface PermitIntakeOptions {
  /** TRUSTED_ISSUERS_FILE, if set. */
  trustedIssuersFile?: string | undefined;
  /** NODE_ENV=production: the development HDAB is never trusted, and a file that lists its key is refused. */
  production: boolean;
  now?: () => Date;
  offeredTools?: readonly ServedToolName[];
}

/** Builds the trusted issuers once at start-up: the configured file, plus the development HDAB outside production. */
export function createPermitIntake(options: PermitIntakeOptions): PermitIntake {
  return {
    trustedIssuers: trustedIssuersFor(options),
    now: options.now ?? (() => new Date()),
    ...(options.offeredTools ? { offeredTools: options.offeredTools } : {}),
  };
}

export function trustedIssuersFor({
  trustedIssuersFile,
  production,
}: Pick<PermitIntakeOptions, "trustedIssuersFile" | "production">): TrustedIssuers {
  const fromFile: TrustedIssuers = trustedIssuersFile ? readTrustedIssuersFile(trustedIssuersFile) : new Map();
  if (production) {
    for (const [issuer, { keys }] of fromFile)
      if (issuer === DEV_HDAB_ISSUER || keys.some(isDevHdabKey))
        throw new SpeError(
          "TRUSTED_ISSUERS_INVALID",
          `${trustedIssuersFile} trusts the development HDAB (${issuer}) in production. Its private key is public: remove it from the file.`,
        );
    return fromFile;
  }
  return new Map([
    ...fromFile,
    [DEV_HDAB_ISSUER, { keys: [devHdabPublicKey()], clients: [DEMO_HDAB_CLIENT.clientId] }],
  ]);
}
