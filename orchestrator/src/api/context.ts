import type { Session } from "../auth/sessions";
import type { Database } from "../db/database";
import type { Kube } from "../kube/client";
import type { PermitIntake } from "../permits/permit-intake";

/** The long-lived services procedures use, built once by main.ts. */
export interface Services {
  database: Database;
  kube: Kube;
  permitIntake: PermitIntake;
}

/** What every procedure sees: the services, the signed-in person (if any) and where the request came from. */
export interface Context {
  services: Services;
  session: Session | undefined;
  address: string;
}
