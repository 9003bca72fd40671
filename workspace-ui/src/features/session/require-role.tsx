import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useLocation } from "react-router";
import { roleName } from "./role-names";
import { useMe } from "../../lib/use-me";
import { errorWords } from "../../lib/api-errors";

type Role = NonNullable<ReturnType<typeof useMe>["data"]>["roles"][number];

/** A role's page only for people with that role; everyone else is told whose page it is. */
export function RequireRole({ role, children }: { role: Role; children: ReactNode }) {
  const { t } = useTranslation();
  const me = useMe();
  const here = useLocation();
  if (me.isPending) return <p aria-busy="true">{t("app.loading")}</p>;
  if (me.isError) return <p role="alert">{t("app.serverUnreachable", { message: errorWords(me.error, t) })}</p>;
  if (!me.data)
    return (
      <p>
        {/* Back to this page after signing in: a link to a request or a review works before sign-in too. */}
        <a href={`/auth/login?next=${encodeURIComponent(here.pathname + here.search)}`}>{t("session.signIn")}</a>{" "}
        {t("session.signInToSee")}
      </p>
    );
  if (!me.data.roles.includes(role)) return <p role="alert">{t("session.wrongRole", { role: roleName(role, t) })}</p>;
  return children;
}
