import { z } from "zod";
import type { AuditFilter } from "./search-audit-events";

const text = (max: number) => z.string().trim().min(1).max(max).optional();

/**
 * An auditor's filter as it travels (the UI's address, the API, an export's header): strings only, times as
 * ISO 8601 with an offset. Blank fields mean "any" and are dropped.
 */
export const auditFilterSchema = z.strictObject({
  target: text(300),
  actor: text(255),
  person: text(255),
  action: text(100),
  environment: text(63),
  permit: text(200),
  text: text(200),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type AuditFilterInput = z.infer<typeof auditFilterSchema>;

/** The filter as the search takes it (times as dates). */
export const toAuditFilter = ({ from, to, ...rest }: AuditFilterInput): AuditFilter => ({
  ...rest,
  from: from ? new Date(from) : undefined,
  to: to ? new Date(to) : undefined,
});

/** The fields given, for an export's header: what was asked, and nothing for what was not. */
export const givenFields = (filter: AuditFilterInput): Record<string, string> =>
  Object.fromEntries(Object.entries(filter).filter((e): e is [string, string] => typeof e[1] === "string"));
