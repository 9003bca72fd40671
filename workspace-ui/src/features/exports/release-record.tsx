import { useQuery } from "@tanstack/react-query";
import { formatDateTime } from "../airlock/format";
import { verifyReleaseRecord } from "./verify-release-record";

async function fetchOk(url: string): Promise<Response> {
  const res = await fetch(url, { credentials: "same-origin" });
  if (!res.ok) throw new Error(`${url} svarade ${res.status}.`);
  return res;
}

/** The signed release record: a download, and what it says once its signature is checked here. */
export function ReleaseRecord({ id }: { id: string }) {
  const url = `/exports/${id}/release-record`;
  const check = useQuery({
    queryKey: ["release-record", id],
    queryFn: async () => {
      const [jws, keys] = await Promise.all([fetchOk(url).then((r) => r.text()), fetchOk("/.well-known/spe-release-keys.json").then((r) => r.json() as Promise<{ keys: JsonWebKey[] }>)]);
      return verifyReleaseRecord(jws, keys.keys);
    },
    staleTime: Infinity,
    retry: false,
  });
  return (
    <section aria-labelledby="release-record-h" className="file-card">
      <h2 id="release-record-h">Utlämningsintyg</h2>
      <p>Ett signerat intyg (JWS) över vilka filer som lämnades ut, deras kontrollsummor, kontrollerna och granskarna. Skicka med det när du delar filerna.</p>
      {check.isPending && <p aria-busy="true">Kontrollerar intygets signatur…</p>}
      {check.isError && <p role="alert">Intyget kunde inte kontrolleras: {check.error.message}</p>}
      {check.data?.valid === false && (
        <p role="alert" className="state state-problem">
          <span aria-hidden="true">✗ </span>
          {check.data.reason}
        </p>
      )}
      {check.data?.valid && (
        <>
          <p className="state state-ok">
            <span aria-hidden="true">✓ </span>Signaturen stämmer (nyckel {check.data.kid})
          </p>
          <p>
            Utlämnat {formatDateTime(check.data.record.releasedAt)}: {check.data.record.released.map((f) => f.path).join(", ")}
            {check.data.record.withheld.length > 0 && `; inte utlämnat: ${check.data.record.withheld.map((f) => f.path).join(", ")}`}.
          </p>
        </>
      )}
      <a className="button" href={url} download>
        Ladda ner utlämningsintyget
      </a>
    </section>
  );
}
