import { useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";

/** An address the app has no page for: said so, with the address, instead of quietly showing the start page. */
export default function NotFound() {
  const { t } = useTranslation();
  const here = useLocation();
  return (
    <section className="card narrow">
      <h1>{t("notFound.title")}</h1>
      <p>
        {t("notFound.text")} <code className="address">{here.pathname}</code>
      </p>
      <p>
        <Link className="button" to="/">
          {t("notFound.home")}
        </Link>
      </p>
    </section>
  );
}
