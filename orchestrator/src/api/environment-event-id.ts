/**
 * The id of one environment update in the operators' live stream: when the row was written, and which
 * environment. A reconnecting browser sends the last id it saw; everything written after that instant is
 * sent again, so a dropped connection loses nothing.
 */
export function environmentEventId(updatedAt: Date, namespace: string): string {
  return `${updatedAt.toISOString()}/${namespace}`;
}

/** The instant a last-seen event id stands for, or undefined for none or one we did not make. */
export function instantOfEventId(id: string | null | undefined): Date | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\/spe-[a-z0-9-]{1,59}$/.exec(id ?? "");
  if (!match) return undefined;
  const instant = new Date(match[1]!);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}
