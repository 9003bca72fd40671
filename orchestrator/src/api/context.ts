import type { EvidenceIssuer } from "../audit/compliance-evidence";
import type { CheckpointSource } from "../audit/verify-audit-log";
import type { Session } from "../auth/sessions";
import type { Database } from "../db/database";
import type { Kube } from "../kube/client";
import type { Airlock } from "../outputs/airlock";
import type { MachineTokenVerifier } from "../auth/machine-tokens";
import type { DeliveryServices } from "../deliveries/receive-delivery";
import type { EnvironmentConfig } from "../environments/environment-config";
import type { PermitIntake } from "../permits/permit-intake";
import type { PriceList } from "../costs/price-list";

/** Asks the reconciler to look at an environment soon (a no-op on replicas that do not lead). */
export interface EnvironmentQueue {
  enqueue(namespace: string): void;
}

/** The long-lived services procedures use, built once by main.ts. */
export interface Services {
  database: Database;
  kube: Kube;
  permitIntake: PermitIntake;
  environments: EnvironmentQueue;
  airlock: Airlock;
  deliveries: DeliveryServices;
  /** Verifies machine clients' (data holders') access tokens. */
  machineTokens: MachineTokenVerifier;
  /** How environments are built here: what the compliance evidence compares the cluster with. */
  environmentConfig: EnvironmentConfig;
  /** Where the signed audit checkpoints are, and the keys that sign them: what the log is verified against. */
  auditCheckpoints: CheckpointSource;
  /** Where the record of activities' signed checkpoints are, and their keys; without them only its chain is checked. */
  activityCheckpoints?: CheckpointSource;
  /** Signs the audit chain's head now (main.ts's checkpointer), so that an export is vouched for to its end. */
  auditCheckpointer?: { checkpoint(): Promise<unknown> };
  /** Who the compliance evidence names as its issuer: INSTALLATION_NAME and PUBLIC_URL. */
  issuer?: EvidenceIssuer;
  /** The installation's prices (PRICE_LIST_FILE); without them no cost is shown. */
  priceList?: PriceList;
  /** The installation's time zone (TIME_ZONE), in which the UI shows times; Europe/Stockholm when not given. */
  timeZone?: string;
}

/** What every procedure sees: the services, the signed-in person (if any) and where the request came from. */
export interface Context {
  services: Services;
  session: Session | undefined;
  /** The hash of the session's token, for what must end with the session (live streams). */
  sessionHash?: string;
  address: string;
}
