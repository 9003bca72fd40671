import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { useTRPC } from "../../lib/trpc";

/** On the start page: the way to my export requests, and how many wait for me to act. */
export function ExportsSummary() {
  const trpc = useTRPC();
  const list = useQuery(trpc.exports.list.queryOptions());
  const waiting = list.data?.filter((r) => r.state === "changes_requested" || r.state === "draft").length ?? 0;
  const released = list.data?.filter((r) => r.state === "released").length ?? 0;
  return (
    <p>
      <Link to="/exports">Mina exportförfrågningar</Link>
      {list.data && list.data.length > 0 && (
        <span className="muted">
          {" "}
          · {list.data.length} totalt{released > 0 && `, ${released} utlämnade`}
        </span>
      )}
      {waiting > 0 && (
        <>
          {" "}
          <strong className="state state-paused">{waiting} väntar på dig</strong>
        </>
      )}
    </p>
  );
}
