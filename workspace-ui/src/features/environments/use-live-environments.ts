import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useTRPC } from "../../lib/trpc";

/**
 * Every environment, kept current by the server's stream of changed rows (SSE): an update replaces its
 * row in the cached list, a new environment is added at the top. The list is fetched once, again each time
 * the stream (re)connects in case something changed in between, and every ten seconds while the stream is
 * not up (tRPC reports a dropped stream as "connecting", not "error").
 */
export function useLiveEnvironments() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const listKey = trpc.environments.list.queryKey();
  const updates = useSubscription(
    trpc.environments.updates.subscriptionOptions(undefined, {
      onStarted: () => void queryClient.invalidateQueries({ queryKey: listKey }),
      onData: async ({ data: changed }) => {
        // A fetch started on (re)connect must not land after this newer row and overwrite it. Cancelled
        // before it brought the first list, it is started again: the row is committed, so the list has it.
        await queryClient.cancelQueries({ queryKey: listKey });
        if (!queryClient.getQueryData(listKey)) return void queryClient.invalidateQueries({ queryKey: listKey });
        queryClient.setQueryData(listKey, (list) => {
          if (!list) return list;
          const at = list.findIndex((e) => e.namespace === changed.namespace);
          return at === -1 ? [changed, ...list] : list.map((e, i) => (i === at ? changed : e));
        });
      },
    }),
  );
  const list = useQuery({
    ...trpc.environments.list.queryOptions(),
    staleTime: Infinity,
    refetchInterval: updates.status === "pending" ? false : 10_000,
  });
  return { list, live: updates.status };
}
