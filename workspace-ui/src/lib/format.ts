import type { TFunction } from "i18next";
import { intlLocale } from "./i18n";

/** The installation's time zone (the server's TIME_ZONE, from session.me): every time shown is in it. */
let installationTimeZone = "Europe/Stockholm";
export const setTimeZone = (zone: string) => {
  installationTimeZone = zone;
};

/** The zone's offset from UTC at that moment, as "+01:00" ("+00:00" for UTC itself). */
export function zoneOffset(d: Date, zone = installationTimeZone): string {
  const name = new Intl.DateTimeFormat("en", { timeZone: zone, timeZoneName: "longOffset" })
    .formatToParts(d)
    .find((p) => p.type === "timeZoneName")!.value;
  return name === "GMT" ? "+00:00" : name.replace("GMT", "").replace("\u2212", "-");
}

/** A moment's parts (year … second) as the installation's time zone reads them, on a 24-hour clock. */
function partsOf(date: Date, zone: string): Record<string, string> {
  return Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
}

/** A day in words for English readers ("7 Dec 2026"): with the month named, no reader takes it for another day. */
function englishDay(date: Date, parts: Record<string, string>, zone: string): string {
  const month = new Intl.DateTimeFormat("en-GB", { timeZone: zone, month: "short" }).format(date);
  return `${Number(parts.day)} ${month} ${parts.year}`;
}

/**
 * A moment as every page shows it, in the installation's time zone with its offset, one format per language:
 * ISO-like in Swedish ("2026-12-07 14:03:05 +01:00"), with the month in words in English
 * ("7 Dec 2026, 14:03:05 +01:00"), which no reader takes for another day. A dash for none.
 */
export function formatMoment(d: string | Date | null | undefined, zone = installationTimeZone): string {
  if (d === null || d === undefined) return "–";
  const date = new Date(d);
  const parts = partsOf(date, zone);
  const time = `${parts.hour}:${parts.minute}:${parts.second} ${zoneOffset(date, zone)}`;
  if (intlLocale() !== "en-GB") return `${parts.year}-${parts.month}-${parts.day} ${time}`;
  return `${englishDay(date, parts, zone)}, ${time}`;
}

/**
 * The day of a moment in the installation's time zone, in the same format as `formatMoment`: "2026-12-07" in
 * Swedish, "7 Dec 2026" in English (the API sends dates as ISO strings, typed as Date; both read the same).
 */
export function formatDate(d: string | Date, zone = installationTimeZone): string {
  const date = new Date(d);
  const parts = partsOf(date, zone);
  return intlLocale() !== "en-GB" ? `${parts.year}-${parts.month}-${parts.day}` : englishDay(date, parts, zone);
}

/** The calendar day of a moment in the installation's time zone, as YYYY-MM-DD (a date field's value). */
export function dayOf(d: string | Date, zone = installationTimeZone): string {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: zone, dateStyle: "short" }).format(new Date(d));
}

/**
 * Where a calendar day (YYYY-MM-DD) of the installation's time zone starts, as an instant: what a date filter
 * means ("from the 7th" is from midnight there, wherever the reader's browser is).
 */
export function startOfDay(day: string, zone = installationTimeZone): Date {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  const guess = Date.UTC(year, month - 1, date);
  const offsetAt = (t: number) => {
    const [sign, hours, minutes] = /^([+-])(\d\d):(\d\d)$/.exec(zoneOffset(new Date(t), zone))!.slice(1);
    return (sign === "-" ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) * 60_000;
  };
  // Twice: the offset at the guess may differ from the one at the answer across a change of summer time.
  const first = guess - offsetAt(guess);
  return new Date(guess - offsetAt(first));
}

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

/** A value as a file gave it, with the language's grouping and no rounding a reader would have to undo. */
export const formatDecimal = (n: number) =>
  new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: 20 }).format(n);

/** An amount of money in the installation's currency, as people write it in the chosen language ("1 234,50 kr"). */
export const formatMoney = (amount: number, currency: string) =>
  new Intl.NumberFormat(intlLocale(), { style: "currency", currency }).format(amount);

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
