/** A delivery's state as the API reports it. */
export type DeliveryState = "receiving" | "staged" | "rejected" | "failed";

/**
 * How far a delivery got through receive → check and pseudonymise → stage, for a progress bar. The
 * pipeline records where a delivery ended, not bytes as they stream: one still receiving is at its first
 * step; one refused with findings got as far as the check; one refused without (too large, unreadable) or
 * failed stopped while it was received.
 */
export function deliveryProgress(d: { state: DeliveryState; findings: number | null }): {
  step: number;
  of: number;
  done: boolean;
} {
  switch (d.state) {
    case "receiving":
      return { step: 1, of: 3, done: false };
    case "staged":
      return { step: 3, of: 3, done: true };
    case "rejected":
    case "failed":
      return { step: d.findings === null ? 1 : 2, of: 3, done: true };
  }
}
