const dateTime = new Intl.DateTimeFormat("sv-SE", { dateStyle: "medium", timeStyle: "short" });

/** The API sends dates as ISO strings (no transformer), typed as Date; both read the same here. */
export const formatDateTime = (d: string | Date | null | undefined) => (d ? dateTime.format(new Date(d)) : "–");

const sizes = new Intl.NumberFormat("sv-SE", { maximumFractionDigits: 1 });
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return "–";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${sizes.format(bytes / 1024)} kB`;
  return `${sizes.format(bytes / 1024 / 1024)} MB`;
}

/** How long something has waited, in the unit people think in. */
export function formatAge(hours: number): string {
  if (hours < 1) return "under en timme";
  if (hours < 48) return `${hours} ${hours === 1 ? "timme" : "timmar"}`;
  const days = Math.floor(hours / 24);
  return `${days} dygn`;
}

/** The file name of a path, for labels. */
export const baseName = (path: string) => path.slice(path.lastIndexOf("/") + 1);

/** The lower-case ending of a file name, without the dot ("" when there is none). */
export function extensionOf(path: string): string {
  const name = baseName(path);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}
