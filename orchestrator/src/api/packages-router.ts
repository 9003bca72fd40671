import { z } from "zod";
import { allowlistEntries, replaceAllowlist } from "../mirror/allowlist-store";
import { parseAllowlist } from "../mirror/package-allowlist";
import type { SpeErrorCode } from "../errors";
import { operatorProcedure, router } from "./trpc";

/** The allowlist as an operator typed it: refused, line by line, unless every line is a project name. */
const allowlistInput = z.object({
  text: z
    .string()
    .max(200_000)
    .transform((text, ctx) => {
      const parsed = parseAllowlist(text);
      if (parsed.ok) return parsed.names;
      for (const { line, entry, message } of parsed.errors)
        ctx.addIssue({
          code: "custom",
          message: `Line ${line}: ${message}.`,
          params: { speCode: "PACKAGE_ALLOWLIST_INVALID" satisfies SpeErrorCode, values: { line, entry } },
        });
      return z.NEVER;
    }),
});

/** The package mirror's allowlist: operators read and replace it, each change an audit event. */
export const packagesRouter = router({
  allowlist: operatorProcedure.query(async ({ ctx }) => ({
    entries: await allowlistEntries(ctx.services.database.db),
  })),
  saveAllowlist: operatorProcedure.input(allowlistInput).mutation(({ ctx, input }) =>
    replaceAllowlist(ctx.services.database.db, input.text, {
      subject: ctx.session.subject,
      role: "operator",
      address: ctx.address,
    }),
  ),
});
