import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { roleName } from "./role-names";
import { useMe } from "./use-me";

type Role = NonNullable<ReturnType<typeof useMe>["data"]>["roles"][number];

/** A role's page only for people with that role; everyone else is told whose page it is. */
export function RequireRole({ role, children }: { role: Role; children: ReactNode }) {
  const { t } = useTranslation();
  const me = useMe();
  if (me.isPending) return <p aria-busy="true">{t("app.loading")}</p>;
  if (me.isError) return <p role="alert">{t("app.serverUnreachable", { message: me.error.message })}</p>;
  if (!me.data)
    return (
      <p>
        <a href="/auth/login">{t("session.signIn")}</a> {t("session.signInToSee")}
      </p>
    );
  if (!me.data.roles.includes(role)) return <p role="alert">{t("session.wrongRole", { role: roleName(role, t) })}</p>;
  return children;
}
