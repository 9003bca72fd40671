import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "./trpc";

export function useMe() {
  const trpc = useTRPC();
  return useQuery(trpc.session.me.queryOptions());
}
