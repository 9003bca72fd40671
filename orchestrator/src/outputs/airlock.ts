import { join } from "node:path";
import type { Config } from "../config";
import { templateUpstream, type UpstreamResolver } from "../environments/service-origin";
import { signingKeyFileOf } from "../keys/signing-key";
import { agentOutbox } from "./agent-outbox";
import { airlockLimitsSchema } from "./requests/airlock-limits";
import { createQuarantine } from "./requests/quarantine";
import type { ReleaseSigner } from "./requests/release-record";
import { loadReleaseSigner } from "./requests/release-signer";
import type { AirlockServices } from "./requests/submit-request";
import { sdcCheck } from "./sdc-check";

/** Everything export requests need beyond the database: outboxes, quarantine, checks, limits, the signer. */
export interface Airlock extends AirlockServices {
  signer: ReleaseSigner;
  /** Where single files are checked before submission and then removed. */
  scratchDir: string;
}

/**
 * The airlock of an installation, from its configuration: environments' agents (at AIRLOCK_AGENT_URL, or
 * where `agentUrlFor` finds them), the SDC checks, quarantine.
 */
export async function createAirlock(config: Config, agentUrlFor?: UpstreamResolver): Promise<Airlock> {
  const keyFile = signingKeyFileOf(config);
  return {
    outbox: agentOutbox(
      agentUrlFor ?? templateUpstream(config.AIRLOCK_AGENT_URL ?? "http://airlock.{namespace}.svc.cluster.local:8090"),
    ),
    checkOutputFile: sdcCheck,
    quarantine: createQuarantine(join(config.DATA_DIR, "quarantine")),
    scratchDir: join(config.DATA_DIR, "scratch"),
    limits: airlockLimitsSchema.parse({
      maxFiles: config.AIRLOCK_MAX_FILES,
      maxFileBytes: config.AIRLOCK_MAX_FILE_BYTES,
      maxCsvRows: config.AIRLOCK_MAX_CSV_ROWS,
    }),
    signer: await loadReleaseSigner(keyFile, { createIfMissing: config.RELEASE_SIGNING_KEY_FILE === undefined }),
  };
}
