import { publicProcedure, router } from "./trpc";

export const sessionRouter = router({
  /** The signed-in person, or null: the UI decides between the sign-in page and the role pages with it. */
  me: publicProcedure.query(({ ctx }) => {
    if (!ctx.session) return null;
    const { subject, name, email, roles, expiresAt } = ctx.session;
    const timeZone = ctx.services.timeZone ?? "Europe/Stockholm";
    return { subject, name, email, roles, expiresAt: expiresAt.toISOString(), timeZone };
  }),
});
