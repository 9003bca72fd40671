import { useTranslation } from "react-i18next";
import { errorWords, fieldProblemWords, otherFieldProblems } from "../lib/api-errors";

/**
 * An API error as an alert, in the reader's language: our words for its code and values, and each further bad
 * field by its label. The server's own sentence is never shown: it is English, and meant for the log.
 */
export function ApiError({ error, lead }: { error: unknown; lead?: string }) {
  const { t } = useTranslation();
  const more = otherFieldProblems(error);
  return (
    <div role="alert" className="alert">
      {lead && <strong>{lead} </strong>}
      {errorWords(error, t)}
      {more.length > 0 && (
        <ul>
          {more.map((issue, i) => (
            <li key={i}>{fieldProblemWords(issue, t)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
