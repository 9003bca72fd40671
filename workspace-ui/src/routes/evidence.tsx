import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router";
import { useTRPC } from "../lib/trpc";

/** The compliance evidence report of one environment, laid out to be printed for the supervisor. */
export default function Evidence() {
  const { namespace = "" } = useParams();
  const trpc = useTRPC();
  const report = useQuery(trpc.audit.evidence.queryOptions({ namespace }));
  if (report.isPending) return <p aria-busy="true">Sammanställer rapporten…</p>;
  if (report.isError) return <p role="alert">Rapporten kunde inte tas fram: {report.error.message}</p>;
  const r = report.data;
  return (
    <article className="report">
      <h1>Efterlevnadsrapport</h1>
      <p>
        Miljö <code>{r.environment.namespace}</code> · beslut {r.permit.permitId} ({r.permit.issuer}) · framtagen {new Date(r.generatedAt).toLocaleString("sv-SE")}
      </p>
      <p>{r.permit.purpose.description}</p>
      <button type="button" className="no-print" onClick={() => window.print()}>Skriv ut</button>
      {r.requirements.map((req) => (
        <section key={req.requirement} aria-label={req.requirement}>
          <h2>{req.requirement}</h2>
          {req.gaps.length > 0 && (
            <ul className="gaps">
              {req.gaps.map((g) => (
                <li key={g}>{g}</li>
              ))}
            </ul>
          )}
          <pre>{JSON.stringify(req.evidence, null, 2)}</pre>
        </section>
      ))}
    </article>
  );
}
