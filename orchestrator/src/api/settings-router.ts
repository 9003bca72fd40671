import { personSettings, personSettingsInput, updatePersonSettings } from "../notifications/person-settings";
import { authedProcedure, router } from "./trpc";

/** A person's own choices, kept on the server: the language (UI and e-mail) and whether e-mail comes at all. */
export const settingsRouter = router({
  get: authedProcedure.query(({ ctx }) => personSettings(ctx.services.database.db, ctx.session)),
  update: authedProcedure
    .input(personSettingsInput)
    .mutation(({ ctx, input }) => updatePersonSettings(ctx.services.database.db, ctx.session, input, ctx.address)),
});
