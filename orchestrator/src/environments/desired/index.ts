import type { KubernetesObject } from "@kubernetes/client-node";
import type { EnvironmentConfig } from "../environment-config";
import type { EnvironmentInput } from "./environment-input";
import { namespaceObject } from "./namespace";
import { networkPolicies } from "./network-policies";
import { mirrorEgressPolicy } from "./package-mirror";
import { limitRange, resourceQuota } from "./quota";
import {
  airlockDeployment,
  airlockService,
  dataLoaderJob,
  serviceAccounts,
  volumeClaims,
  workspaces,
} from "./workload";

/**
 * Everything an environment consists of, in the order it is applied: the namespace first, isolation before
 * anything that could run. Pure: the same input always gives the same objects.
 */
export function desiredObjects(input: EnvironmentInput, config: EnvironmentConfig): KubernetesObject[] {
  return [
    namespaceObject(input),
    ...networkPolicies(input, config),
    ...mirrorEgressPolicy(input, config),
    resourceQuota(input, config),
    limitRange(input),
    ...serviceAccounts(input),
    ...volumeClaims(input, config),
    ...dataLoaderJob(input, config),
    airlockDeployment(input, config),
    airlockService(input, config),
    ...workspaces(input, config),
  ];
}
