import { useQuery } from "@tanstack/react-query";
import { setTimeZone } from "./format";
import { useTRPC } from "./trpc";

export function useMe() {
  const trpc = useTRPC();
  const me = useQuery(trpc.session.me.queryOptions());
  // Times are shown in the installation's zone, which the server says with the person.
  if (me.data) setTimeZone(me.data.timeZone);
  return me;
}
