import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef } from "react";
import { useTRPC } from "../../lib/trpc";

/** A burst of changes (a resync, a bulk pause) becomes one refetch of what is shown, at most this often. */
const REFRESH_MS = 500;

/**
 * Keeps the operators' table and environment pages current from the server's stream of changed rows (SSE):
 * a change refetches the page shown, since with paging and filtering only the server knows where a changed
 * row belongs now. Also refetches when the stream (re)connects, in case something changed in between. Gives
 * the stream's status; tRPC reports a dropped stream as "connecting", not "error".
 */
export function useEnvironmentUpdates() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const refresh = () => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      void queryClient.invalidateQueries({ queryKey: trpc.environments.list.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.environments.get.pathKey() });
    }, REFRESH_MS);
  };
  const updates = useSubscription(
    trpc.environments.updates.subscriptionOptions(undefined, { onStarted: refresh, onData: refresh }),
  );
  return updates.status;
}
