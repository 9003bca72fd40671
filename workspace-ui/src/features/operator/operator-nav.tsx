import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";

const PAGES = [
  { to: "/operator/permits", key: "permits" },
  { to: "/operator/environments", key: "environments" },
  { to: "/operator/deliveries", key: "deliveries" },
  { to: "/operator/statistics", key: "statistics" },
  { to: "/operator/packages", key: "packages" },
] as const;

/** The operators' pages; the current one is marked for screen readers by NavLink's aria-current. */
export function OperatorNav() {
  const { t } = useTranslation();
  return (
    <nav aria-label={t("operator.nav")} className="subnav">
      <ul>
        {PAGES.map((p) => (
          <li key={p.to}>
            <NavLink to={p.to}>{t(`operator.${p.key}`)}</NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
