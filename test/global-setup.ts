// Starts one local Kubernetes control plane and one PostgreSQL server for the whole test run.
import { startLocalCluster } from "@spe/infra/local-cluster";
import { startLocalPostgres } from "@spe/infra/local-postgres";
import type { TestProject } from "vitest/node";

export default async function setup(project: TestProject) {
  const [cluster, postgres] = await Promise.all([
    startLocalCluster({ progress: (line) => console.error(line) }),
    process.env.TEST_DATABASE_URL ? undefined : startLocalPostgres(),
  ]);
  project.provide("kubeconfig", cluster.kubeconfig);
  project.provide("orchestratorKubeconfig", cluster.orchestratorKubeconfig);
  project.provide("postgresUrl", process.env.TEST_DATABASE_URL ?? postgres!.url);
  return async () => {
    await Promise.all([cluster.stop(), postgres?.stop()]);
  };
}
