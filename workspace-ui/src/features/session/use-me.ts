import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../lib/trpc";

export function useMe() {
  const trpc = useTRPC();
  return useQuery(trpc.session.me.queryOptions());
}
