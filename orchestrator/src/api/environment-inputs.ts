import { z } from "zod";
import { DEFAULT_PAGE_SIZE, PAGE_SIZES, TABLE_SORTS } from "../environments/table-options";
import { TONES } from "../environments/environment-tones";
import { REASON_MAX, REASON_MIN } from "../environments/operator-reason";
import { inputCode } from "./trpc";

const namespace = z.string().regex(/^spe-[a-z0-9-]{1,59}$/, "an environment namespace (spe-…)");
export const namespaceInput = z.object({ namespace });

/**
 * Why an operator pauses or tears down an environment, in their words: it goes into the audit log. A missing,
 * blank or too short one is ENVIRONMENT_REASON_MISSING, a long one ENVIRONMENT_REASON_TOO_LONG.
 */
export const operatorReason = z
  .string()
  .trim()
  // A missing or non-text reason is the same mistake as an empty one, with the same code.
  .catch("")
  .refine(
    (reason) => reason.length >= REASON_MIN,
    inputCode(
      "ENVIRONMENT_REASON_MISSING",
      `say why, in at least ${REASON_MIN} characters: it goes into the audit log`,
    ),
  )
  .refine(
    (reason) => reason.length <= REASON_MAX,
    inputCode("ENVIRONMENT_REASON_TOO_LONG", `at most ${REASON_MAX} characters`),
  );

/** The operators' table as the page's URL holds it; every field has the default a bare URL means. */
export const tableInput = z
  .strictObject({
    text: z.string().max(200).default(""),
    tone: z.enum(TONES).optional(),
    sort: z.enum(TABLE_SORTS).default("newest"),
    page: z.int().min(1).max(100_000).default(1),
    size: z
      .int()
      .refine((n) => PAGE_SIZES.some((s) => s === n), `one of ${PAGE_SIZES.join(", ")}`)
      .default(DEFAULT_PAGE_SIZE),
  })
  .prefault({});

/** Pausing or resuming many environments at once: every one of a page at most. */
export const bulkInput = z.object({
  namespaces: z
    .array(namespace)
    .min(1, "choose at least one environment")
    .max(Math.max(...PAGE_SIZES)),
});

export const suspendInput = namespaceInput.extend({ reason: operatorReason });
export const teardownInput = namespaceInput.extend({ confirm: z.string().max(100), reason: operatorReason });
/** A departed person's home, by the person's subject as the permit named them. */
export const deleteHomeInput = namespaceInput.extend({
  subject: z.string().trim().min(1).max(200),
  reason: operatorReason,
});
/** One person's workspace to stop, by the person's subject as the permit names them. */
export const stopWorkspaceInput = namespaceInput.extend({
  subject: z.string().trim().min(1).max(200),
  reason: operatorReason,
});
export const resumeInput = namespaceInput.extend({ reason: operatorReason.optional() });
