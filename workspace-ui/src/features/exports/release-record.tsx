import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { formatMoment } from "../../lib/format";
import { verifyReleaseRecord } from "./verify-release-record";
import { errorWords } from "../../lib/api-errors";

class FetchFailed extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`${url} ${status}`);
  }
}

async function fetchOk(url: string): Promise<Response> {
  const res = await fetch(url, { credentials: "same-origin" });
  if (!res.ok) throw new FetchFailed(url, res.status);
  return res;
}

/** The signed release record: a download, and what it says once its signature is checked here. */
export function ReleaseRecord({ id }: { id: string }) {
  const { t } = useTranslation();
  const url = `/exports/${id}/release-record`;
  const check = useQuery({
    queryKey: ["release-record", id],
    queryFn: async () => {
      const [jws, keys] = await Promise.all([
        fetchOk(url).then((r) => r.text()),
        fetchOk("/.well-known/spe-signing-keys.json").then((r) => r.json() as Promise<{ keys: JsonWebKey[] }>),
      ]);
      return verifyReleaseRecord(jws, keys.keys);
    },
    staleTime: Infinity,
    retry: false,
  });
  const failure =
    check.error instanceof FetchFailed
      ? t("exports.record.answered", { url: check.error.url, status: check.error.status })
      : errorWords(check.error, t);
  return (
    <section aria-labelledby="release-record-h" className="file-card">
      <h2 id="release-record-h">{t("exports.record.title")}</h2>
      <p>{t("exports.record.intro")}</p>
      {check.isPending && <p aria-busy="true">{t("exports.record.checking")}</p>}
      {check.isError && <p role="alert">{t("exports.record.failed", { message: failure })}</p>}
      {check.data?.valid === false && (
        <p role="alert" className="state state-problem">
          <span aria-hidden="true">✗ </span>
          {check.data.reason === "unknownAlgorithm"
            ? t("exports.record.unknownAlgorithm", { alg: check.data.alg })
            : t(`exports.record.${check.data.reason}`)}
        </p>
      )}
      {check.data?.valid && (
        <>
          <p className="state state-ok">
            <span aria-hidden="true">✓ </span>
            {t("exports.record.valid", { kid: check.data.kid })}
          </p>
          <p>
            {t("exports.record.released", {
              when: formatMoment(check.data.record.releasedAt),
              files: check.data.record.released.map((f) => f.path).join(", "),
            })}
            {check.data.record.withheld.length > 0 &&
              t("exports.record.withheld", { files: check.data.record.withheld.map((f) => f.path).join(", ") })}
            .
          </p>
        </>
      )}
      <a className="button" href={url} download>
        {t("exports.record.download")}
      </a>
    </section>
  );
}
