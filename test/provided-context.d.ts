// What test/global-setup.ts provides to every test through inject().
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** Administrator (system:masters) kubeconfig of the shared local cluster. */
    kubeconfig: string;
    /** Kubeconfig of the orchestrator's own, unprivileged identity. */
    orchestratorKubeconfig: string;
    /** A PostgreSQL server tests may create databases on. */
    postgresUrl: string;
  }
}
