import type { TFunction } from "i18next";
import { intlLocale } from "./i18n";

/** The API sends dates as ISO strings (no transformer), typed as Date; both read the same here. */
export const formatDate = (d: string | Date) =>
  new Intl.DateTimeFormat(intlLocale(), { dateStyle: "medium" }).format(new Date(d));

/** A moment to the minute, or a dash for none. */
export const formatDateTime = (d: string | Date | null | undefined) =>
  d ? new Intl.DateTimeFormat(intlLocale(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(d)) : "–";

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return "–";
  const sizes = new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: 1 });
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${sizes.format(bytes / 1024)} kB`;
  return `${sizes.format(bytes / 1024 / 1024)} MB`;
}

/** A whole number as people read it in the chosen language ("20 000" or "20,000"). */
export const formatCount = (n: number | null | undefined) =>
  n === null || n === undefined ? "–" : new Intl.NumberFormat(intlLocale()).format(n);

/** How long something has waited, in the unit people think in. */
export function formatAge(hours: number, t: TFunction): string {
  if (hours < 1) return t("format.lessThanHour");
  if (hours < 48) return t("format.hours", { count: Math.floor(hours) });
  return t("format.days", { count: Math.floor(hours / 24) });
}

/** The file name of a path, for labels. */
export const baseName = (path: string) => path.slice(path.lastIndexOf("/") + 1);

/** The lower-case ending of a file name, without the dot ("" when there is none). */
export function extensionOf(path: string): string {
  const name = baseName(path);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}
