import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTRPC } from "../../lib/trpc";
import type { CheckerFile, Vote } from "../airlock/airlock-api";
import { VOTE_WORDS } from "../airlock/airlock-words";
import { ApiError } from "../airlock/api-error";

const VOTES = Object.keys(VOTE_WORDS) as Vote[];

/** One checker's vote on one version of one file; a comment is required unless they approve. */
export function VoteForm({ requestId, file, onVoted }: { requestId: string; file: CheckerFile; onVoted?: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [vote, setVote] = useState<Vote>();
  const [comment, setComment] = useState("");
  const [tried, setTried] = useState(false);
  const cast = useMutation(
    trpc.reviews.vote.mutationOptions({
      onSuccess: async () => {
        await Promise.all([queryClient.invalidateQueries({ queryKey: trpc.reviews.get.queryKey({ id: requestId }) }), queryClient.invalidateQueries({ queryKey: trpc.reviews.queue.queryKey() })]);
        onVoted?.();
      },
    }),
  );
  const problem = !vote ? "Välj ett omdöme." : vote !== "approve" && comment.trim() === "" ? "Skriv vad som behöver ändras eller varför filen inte kan lämnas ut." : undefined;
  return (
    <form
      className="vote-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (!problem && vote) cast.mutate({ id: requestId, path: file.path, version: file.version, vote, comment });
      }}
    >
      <fieldset>
        <legend>Ditt omdöme om {file.path}</legend>
        <div className="choices">
          {VOTES.map((v) => (
            <label key={v} className={`choice choice-${v}`}>
              <input type="radio" name={`${id}-vote`} value={v} checked={vote === v} onChange={() => setVote(v)} /> {VOTE_WORDS[v].choose}
            </label>
          ))}
        </div>
        <div className="field">
          <label htmlFor={`${id}-comment`}>Kommentar{vote && vote !== "approve" ? " (krävs)" : " (frivillig vid godkännande)"}</label>
          <textarea id={`${id}-comment`} rows={3} maxLength={5000} value={comment} onChange={(e) => setComment(e.target.value)} aria-describedby={`${id}-hint ${id}-error`} aria-invalid={tried && !!problem && vote !== undefined} />
          <span id={`${id}-hint`} className="muted small">Forskaren ser kommentaren när filen är avgjord, men inte vem som skrev den.</span>
        </div>
        <p id={`${id}-error`} className="field-error" role={tried && problem ? "alert" : undefined}>
          {tried && problem}
        </p>
        {cast.isError && <ApiError error={cast.error} lead="Omdömet sparades inte." />}
        <button type="submit" disabled={cast.isPending}>
          {cast.isPending ? "Sparar…" : "Lämna omdöme"}
        </button>
      </fieldset>
    </form>
  );
}
