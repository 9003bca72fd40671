/** The outcome of a disclosure check, of one cell, or of a whole file. */
export const SDC_STATUSES = ["pass", "review", "fail"] as const;
export type SdcStatus = (typeof SDC_STATUSES)[number];

/**
 * Combines statuses as output checking does: any `fail` → fail, else any `review` → review, else pass.
 * Nothing to combine is a pass (no check objected); callers always add at least one check to a report.
 */
export function combineStatus(statuses: Iterable<SdcStatus>): SdcStatus {
  let combined: SdcStatus = "pass";
  for (const status of statuses) {
    if (status === "fail") return "fail";
    if (status === "review") combined = "review";
  }
  return combined;
}
