import type { PermitPayload } from "../permits/permit";
import type { EnvironmentConfig } from "./environment-config";
import type { WorkspacePerson } from "./desired/environment-input";
import { workspaceIdentities } from "../gateway/workspace-identities";
import { randomBytes } from "node:crypto";
import { wantsRunning, type WorkspaceWish } from "./workspace-wishes";
import { personTool } from "../tools/tool-registry";

/**
 * Without an installation's keys (tests that never open a workspace) a key of this process: the ids stay the
 * same while it runs, and mean nothing outside it.
 */
const processIdentities = workspaceIdentities(randomBytes(32));

/** A person's opaque id in an environment (WorkspacePerson.id), with the installation's keys. */
export function personIdOf(
  namespace: string,
  subject: string,
  config: Pick<EnvironmentConfig, "workspaceIdentities">,
): string {
  return (config.workspaceIdentities ?? processIdentities).personIdOf(namespace, subject);
}

/**
 * The workspace of each person the permit names, in its order, with the installation's keys; started when
 * the person's wish (workspace-wishes.ts) says so, with the tool they picked.
 */
export function workspacePersons(
  namespace: string,
  permit: Pick<PermitPayload, "authorisedPersons" | "environment">,
  config: Pick<EnvironmentConfig, "workspaceHosts" | "workspaceIdentities">,
  wishes: ReadonlyMap<string, WorkspaceWish> = new Map(),
): WorkspacePerson[] {
  const identities = config.workspaceIdentities ?? processIdentities;
  const hosts = config.workspaceHosts;
  return permit.authorisedPersons.map(({ subject }) => {
    const id = identities.personIdOf(namespace, subject);
    return {
      id,
      token: identities.tokenOf(namespace, id),
      mirrorPassword: identities.mirrorTokenOf(namespace, id),
      started: wantsRunning(wishes.get(id)),
      tool: personTool(permit.environment.tools, wishes.get(id)?.tool),
      ...(hosts ? { origin: hosts.originOf(hosts.labelOf(namespace, subject)) } : {}),
    };
  });
}
