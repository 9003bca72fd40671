import { useTranslation } from "react-i18next";
import { errorWords, serverSentence } from "../lib/api-errors";

/** An API error as an alert: our words for its code, and the server's sentence for the details. */
export function ApiError({ error, lead }: { error: unknown; lead?: string }) {
  const { t } = useTranslation();
  return (
    <div role="alert" className="alert">
      {lead && <strong>{lead} </strong>}
      {errorWords(error, t) ?? t("app.somethingWrong")}{" "}
      <span className="muted" lang="en">
        {serverSentence(error)}
      </span>
    </div>
  );
}
