import { TRPCClientError } from "@trpc/client";

/** What to tell people for the airlock's stable error codes; the server's own sentence follows as detail. */
const CODE_WORDS: Record<string, string> = {
  EXPORT_REQUEST_NOT_FOUND: "Förfrågan finns inte, eller så får du inte se den.",
  EXPORT_REQUEST_STATE_CONFLICT: "Förfrågan har ändrats eller är i ett läge där det inte går. Ladda om sidan och försök igen.",
  EXPORT_FILE_REFUSED: "En fil kan inte tas med.",
  EXPORT_VOTE_REFUSED: "Omdömet kan inte lämnas.",
  OUTBOX_UNAVAILABLE: "Utkorgen kan inte läsas just nu. Den går att läsa när arbetsytan är igång.",
  WORKSPACE_UNAVAILABLE: "Miljön är inte aktiv, så utkorgen kan inte användas.",
  WORKSPACE_NOT_FOUND: "Det finns ingen sådan miljö för dig.",
};

/** The stable code of an API error: from `data.speCode`, else from the message ("CODE: sentence"). */
export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data = error.data as { speCode?: string } | undefined;
  return data?.speCode ?? /^([A-Z][A-Z_]+):/.exec(error.message)?.[1];
}

/** An API error as an alert: our words for its code, and the server's sentence for the details. */
export function ApiError({ error, lead }: { error: unknown; lead?: string }) {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message.replace(/^[A-Z][A-Z_]+:\s*/, "") : String(error);
  const words = code ? CODE_WORDS[code] : undefined;
  return (
    <div role="alert" className="alert">
      {lead && <strong>{lead} </strong>}
      {words ?? "Något gick fel."}{" "}
      <span className="muted" lang="en">
        {message}
      </span>
    </div>
  );
}
