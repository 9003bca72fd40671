import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useTRPC } from "../../lib/trpc";
import type { CheckerFile, Vote } from "../../lib/api-types";
import { ApiError } from "../../components/api-error";

const VOTES: Vote[] = ["approve", "request_changes", "reject"];

/** One checker's vote on one version of one file; a comment is required unless they approve. */
export function VoteForm({ requestId, file, onVoted }: { requestId: string; file: CheckerFile; onVoted?: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [vote, setVote] = useState<Vote>();
  const [comment, setComment] = useState("");
  const [tried, setTried] = useState(false);
  const cast = useMutation(
    trpc.reviews.vote.mutationOptions({
      onSuccess: async () => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.reviews.get.queryKey({ id: requestId }) }),
          queryClient.invalidateQueries({ queryKey: trpc.reviews.queue.queryKey() }),
        ]);
        onVoted?.();
      },
    }),
  );
  const problem = !vote
    ? t("reviews.vote.pick")
    : vote !== "approve" && comment.trim() === ""
      ? t("reviews.vote.needComment")
      : undefined;
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
        <legend>
          <Trans i18nKey="reviews.vote.legend" values={{ file: file.path }} components={{ bdi: <bdi /> }} />
        </legend>
        <div className="choices">
          {VOTES.map((v) => (
            <label key={v} className={`choice choice-${v}`}>
              <input type="radio" name={`${id}-vote`} value={v} checked={vote === v} onChange={() => setVote(v)} />{" "}
              {t(`airlock.vote.${v}.choose`)}
            </label>
          ))}
        </div>
        <div className="field">
          <label htmlFor={`${id}-comment`}>
            {t("reviews.vote.comment")}
            {vote && vote !== "approve" ? t("reviews.vote.required") : t("reviews.vote.optional")}
          </label>
          <textarea
            id={`${id}-comment`}
            rows={3}
            maxLength={5000}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            aria-describedby={`${id}-hint ${id}-error`}
            aria-invalid={tried && !!problem && vote !== undefined}
          />
          <span id={`${id}-hint`} className="muted small">
            {t("reviews.vote.hint")}
          </span>
        </div>
        <p id={`${id}-error`} className="field-error" role={tried && problem ? "alert" : undefined}>
          {tried && problem}
        </p>
        {cast.isError && <ApiError error={cast.error} lead={t("reviews.vote.failed")} />}
        <button type="submit" disabled={cast.isPending}>
          {cast.isPending ? t("reviews.vote.saving") : t("reviews.vote.submit")}
        </button>
      </fieldset>
    </form>
  );
}
