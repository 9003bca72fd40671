import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../components/api-error";
import { useTRPC } from "../../lib/trpc";

/** "I take it" and its undoing; colleagues see how many have taken a request, never who. */
export function ClaimButton({ id, title, claimedByMe }: { id: string; title: string; claimedByMe: boolean }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onSuccess = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.reviews.queue.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.reviews.get.queryKey({ id }) }),
    ]);
  const claim = useMutation(trpc.reviews.claim.mutationOptions({ onSuccess }));
  const unclaim = useMutation(trpc.reviews.unclaim.mutationOptions({ onSuccess }));
  const pending = claim.isPending || unclaim.isPending;
  const failed = claim.error ?? unclaim.error;
  return (
    <>
      <button
        type="button"
        className="secondary small"
        disabled={pending}
        aria-label={t(claimedByMe ? "reviews.claim.releaseNamed" : "reviews.claim.takeNamed", { title })}
        onClick={() => (claimedByMe ? unclaim.mutate({ id }) : claim.mutate({ id }))}
      >
        {t(claimedByMe ? "reviews.claim.release" : "reviews.claim.take")}
      </button>
      {failed && <ApiError error={failed} lead={t("reviews.claim.failed")} />}
    </>
  );
}

/** Who has taken a request, as far as blinding lets a checker know: themselves, and how many others. */
export function ClaimsSaid({
  claims,
  claimedByMe,
  required,
}: {
  claims: number;
  claimedByMe: boolean;
  required: number;
}) {
  const { t } = useTranslation();
  const others = claims - (claimedByMe ? 1 : 0);
  if (claims === 0) return <span className="muted">{t("reviews.claim.none")}</span>;
  return (
    <span>
      {claimedByMe && t("reviews.claim.mine")}
      {claimedByMe && others > 0 && " "}
      {others > 0 && t("reviews.claim.others", { count: others, required })}
    </span>
  );
}
