import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { roleName } from "./role-names";
import { signOut } from "./sign-out";
import { useMe } from "../../lib/use-me";

export function SessionBar() {
  const { t } = useTranslation();
  const me = useMe();
  if (!me.data) return null;
  return (
    <div className="session">
      <bdi className="session-name">{me.data.name}</bdi>
      {me.data.roles.map((r) => (
        <span key={r} className="badge">
          {roleName(r, t)}
        </span>
      ))}
      <Link to="/settings">{t("session.settings")}</Link>
      <button type="button" onClick={() => void signOut()}>
        {t("session.signOut")}
      </button>
    </div>
  );
}
