import { PermitSchemaError, type PermitIssue } from "./permit-issues";
import type { PermitPayload } from "./permit";
import { servedTool, type ServedToolName } from "../tools/tool-registry";

/** JupyterLab alone: what an installation offers unless its ENVIRONMENT_SETTINGS `tools` says more. */
export const DEFAULT_OFFERED_TOOLS: readonly ServedToolName[] = ["jupyterlab"];

/**
 * Refuses a new permit that names a tool this installation does not offer (its persons could never open it),
 * naming each such tool. A name served by another tool (`rstudio`, by JupyterLab) counts as that tool. Only a
 * new permit, as with its datasets: a revocation always lands, and an amendment of a permit accepted before
 * is not blocked by it.
 */
export function assertToolsOffered(
  payload: Pick<PermitPayload, "environment">,
  offered: readonly ServedToolName[] = DEFAULT_OFFERED_TOOLS,
): void {
  const issues: PermitIssue[] = payload.environment.tools.flatMap((tool, i) =>
    offered.includes(servedTool(tool))
      ? []
      : [
          {
            path: `environment.tools[${i}]`,
            message: `${tool} is not offered by this installation (it offers ${offered.join(", ")})`,
          },
        ],
  );
  if (issues.length > 0) throw new PermitSchemaError(issues);
}
