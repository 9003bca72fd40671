import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { intlLocale } from "../../lib/i18n";
import { useTRPC } from "../../lib/trpc";
import { errorWords } from "../../lib/api-errors";

const GiB = 1024 ** 3;
const number = (n: number) => new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: 1 }).format(n);

/** What the orchestrator is connected to, and the cluster's nodes: what they offer and what is requested. */
export function SystemStatus() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const status = useQuery(trpc.system.status.queryOptions());
  if (status.isPending) return <p aria-busy="true">{t("system.loading")}</p>;
  if (status.isError) return <p role="alert">{t("system.failed", { message: errorWords(status.error, t) })}</p>;
  const { capacity, capacityError } = status.data;
  return (
    <>
      <dl className="facts">
        <dt>{t("system.kubernetes")}</dt>
        <dd>
          {status.data.kubernetes.version} · <code>{status.data.kubernetes.server}</code>
        </dd>
        <dt>{t("system.database")}</dt>
        <dd>{status.data.database.kind === "pglite" ? t("system.pglite") : t("system.postgres")}</dd>
        <dt>{t("system.capacity")}</dt>
        <dd>
          {capacity
            ? capacity.usable.nodes === 0
              ? t("system.noUsableNodes")
              : t("system.usable", {
                  nodes: capacity.usable.nodes,
                  cpuRequested: number(capacity.usable.cpu.requested),
                  cpu: number(capacity.usable.cpu.allocatable),
                  memoryRequested: number(capacity.usable.memory.requested / GiB),
                  memory: number(capacity.usable.memory.allocatable / GiB),
                })
            : t("system.capacityUnknown", { message: capacityError })}
        </dd>
      </dl>
      {capacity && capacity.nodes.length > 0 && (
        <table>
          <caption>{t("system.nodes")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("system.node")}</th>
              <th scope="col">{t("system.nodeState")}</th>
              <th scope="col">{t("system.cpu")}</th>
              <th scope="col">{t("system.memory")}</th>
            </tr>
          </thead>
          <tbody>
            {capacity.nodes.map((n) => (
              <tr key={n.name}>
                <th scope="row">{n.name}</th>
                <td>
                  {!n.ready ? t("system.notReady") : !n.schedulable ? t("system.cordoned") : t("system.nodeReady")}
                </td>
                <td>
                  {t("system.ofCores", { requested: number(n.cpu.requested), allocatable: number(n.cpu.allocatable) })}
                </td>
                <td>
                  {t("system.ofGiB", {
                    requested: number(n.memory.requested / GiB),
                    allocatable: number(n.memory.allocatable / GiB),
                  })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
