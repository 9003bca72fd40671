import { loadEnvironment } from "../environments/environment-store";
import { personIdOf, workspacePersons } from "../environments/workspace-persons";
import { pickTool } from "../environments/workspace-wishes";
import { permitTools, type ServedToolName } from "../tools/tool-registry";
import { workspacesOf } from "../environments/workspace-control";
import { SpeError } from "../errors";
import type { Services } from "./context";
import type { Session } from "../auth/sessions";

/** The environment and its persons' workspaces, each with who it is; refused when there is no environment. */
async function personsOf(services: Services, namespace: string) {
  const found = await loadEnvironment(services.database.db, namespace);
  if (!found || found.environment.desiredState === "torn-down")
    throw new SpeError("ENVIRONMENT_NOT_FOUND", `there is no environment ${namespace}.`);
  const { authorisedPersons } = found.permit.payload;
  const persons = workspacePersons(namespace, found.permit.payload, services.environmentConfig).map((p, i) => ({
    personId: p.id,
    subject: authorisedPersons[i]!.subject,
    name: authorisedPersons[i]!.name,
  }));
  return { environment: found.environment, persons };
}

/**
 * Who runs what in an environment, for operators: each person of the permit with their workspace's state
 * (stopped, starting, running, idle-stopped, failed), since when, why, and when it was last used. This is
 * each person's own; the environment's `Ready` says only that its isolation, data and platform are in place.
 */
export async function personWorkspaces(services: Services, namespace: string) {
  const { environment, persons } = await personsOf(services, namespace);
  const states = await workspacesOf(services).states(namespace, persons, environment.desiredState === "active");
  return persons.map(({ personId, subject, name }) => ({ subject, name, ...states.get(personId)! }));
}

/**
 * A researcher's own workspace in an environment, for their start page: its state, since when, how far a
 * start has got and why it stopped or failed (a reason's code, which the UI words). Not Kubernetes' own
 * detail, which names pods and images. Refused, as if there were no environment, when the permit does not
 * name them.
 */
export async function myWorkspace(services: Services, namespace: string, subject: string) {
  const found = await personsOf(services, namespace).catch(() => undefined);
  const person = found?.persons.find((p) => p.subject === subject);
  if (!found || !person) throw new SpeError("WORKSPACE_NOT_FOUND", "There is no workspace here for you.");
  const states = await workspacesOf(services).states(namespace, [person], found.environment.desiredState === "active");
  const { detail: _detail, ...state } = states.get(person.personId)!;
  return state;
}

/** An operator stops one person's workspace, with a reason (audited); their home is kept. */
export async function stopPersonWorkspace(
  ctx: { services: Services; session: Session; address: string },
  input: { namespace: string; subject: string; reason: string },
) {
  const { persons } = await personsOf(ctx.services, input.namespace);
  const person = persons.find((p) => p.subject === input.subject);
  if (!person)
    throw new SpeError("WORKSPACE_NOT_FOUND", `${input.subject} is not a person of ${input.namespace}'s permit.`);
  const stopped = await workspacesOf(ctx.services).stop(
    { namespace: input.namespace, personId: person.personId, subject: person.subject },
    {
      cause: "operator",
      reason: input.reason,
      actor: { subject: ctx.session.subject, role: "operator", address: ctx.address },
    },
  );
  if (!stopped)
    throw new SpeError("ENVIRONMENT_STATE_CONFLICT", `${person.name}'s workspace is not running: nothing to stop.`);
  return { subject: person.subject, stopped };
}

/**
 * A person picks the tool their own workspace runs, among those their permit offers (audited). Their running
 * workspace is replaced by the new tool's at the next reconcile, which this asks for; the home is kept.
 */
export async function pickWorkspaceTool(
  ctx: { services: Services; session: Session; address: string },
  input: { namespace: string; tool: string },
) {
  const found = await loadEnvironment(ctx.services.database.db, input.namespace);
  const person = found?.permit.payload.authorisedPersons.find((p) => p.subject === ctx.session.subject);
  if (!found || !person || found.environment.desiredState === "torn-down")
    throw new SpeError("ENVIRONMENT_NOT_FOUND", `there is no environment ${input.namespace} of yours.`);
  const offered = permitTools(found.permit.payload.environment.tools);
  if (!offered.includes(input.tool as ServedToolName))
    throw new SpeError(
      "WORKSPACE_TOOL_NOT_OFFERED",
      `${input.tool} is not a tool of this environment's permit (it offers ${offered.join(", ")}).`,
    );
  const personId = personIdOf(input.namespace, person.subject, ctx.services.environmentConfig);
  const changed = await pickTool(
    ctx.services.database.db,
    { namespace: input.namespace, personId, subject: person.subject },
    input.tool,
    { subject: ctx.session.subject, role: "researcher", address: ctx.address },
    new Date(),
  );
  if (changed) ctx.services.environments.enqueue(input.namespace);
  return { tool: input.tool as ServedToolName, changed };
}
