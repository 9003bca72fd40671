import { loadCatalogue } from "../datasets";
import type { PermitIssue } from "./permit-issues";
import { PermitSchemaError } from "./permit-issues";
import type { PermitPayload } from "./permit";

/**
 * Refuses a new permit whose datasets cannot be delivered: none named, or one the catalogue does not hold
 * (an environment would wait for it for ever). Only a new permit: a revocation must always land, and an
 * amendment of a permit accepted before this check must not be blocked by it (the permit format only grows:
 * every permit accepted stays valid). Each dataset is named in an issue of its own, as the schema's are.
 */
export function assertDatasetsCatalogued(
  payload: Pick<PermitPayload, "datasets">,
  catalogue: ReadonlyArray<{ id: string; version: string }> = loadCatalogue(),
): void {
  const issues: PermitIssue[] =
    payload.datasets.length === 0
      ? [{ path: "datasets", message: "a new permit must name at least one dataset of the catalogue" }]
      : payload.datasets.flatMap((d, i) =>
          catalogue.some((c) => c.id === d.id && c.version === d.version)
            ? []
            : [
                {
                  path: `datasets[${i}]`,
                  message: `${d.id}@${d.version} is not in the catalogue (${catalogue.map((c) => `${c.id}@${c.version}`).join(", ") || "it is empty"})`,
                },
              ],
        );
  if (issues.length > 0) throw new PermitSchemaError(issues);
}
