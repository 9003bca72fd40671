import { Trans, useTranslation } from "react-i18next";
import { useMe } from "../lib/use-me";
import { RolePanels } from "./role-panels";
import { errorWords } from "../lib/api-errors";

export default function Home() {
  const { t } = useTranslation();
  const me = useMe();
  if (me.isPending) return <p aria-busy="true">{t("app.loading")}</p>;
  if (me.isError) return <p role="alert">{t("app.serverUnreachable", { message: errorWords(me.error, t) })}</p>;
  if (!me.data)
    return (
      <section className="card narrow">
        <h1>{t("home.welcome")}</h1>
        <p>{t("home.intro")}</p>
        <a className="button" href="/auth/login">
          {t("session.signIn")}
        </a>
      </section>
    );
  return (
    <>
      <h1>
        <Trans i18nKey="home.hello" values={{ name: me.data.name }} components={{ bdi: <bdi /> }} />
      </h1>
      <RolePanels roles={me.data.roles} />
    </>
  );
}
