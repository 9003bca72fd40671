import { useTranslation } from "react-i18next";
import { formatBytes, formatCount } from "../../../lib/format";
import type { ActivityRow } from "./activity-types";

const text = (v: unknown) => (typeof v === "string" ? v : "");
const number = (v: unknown) => (typeof v === "number" ? v : null);

/** What one entry says, by its kind: the code itself for code run, the path and size for a file. */
export function ActivityDetails({ entry }: { entry: ActivityRow }) {
  const { t } = useTranslation();
  const d = entry.details;
  switch (entry.kind) {
    case "code.executed":
      return (
        <>
          <p className="small muted">
            {t("audit.activity.code", {
              language: text(d.language) || t("audit.activity.unknownLanguage"),
              size: formatBytes(number(d.bytes)),
              kernel: text(d.kernel),
            })}
            {d.truncated === true && <> · {t("audit.activity.truncated")}</>}
          </p>
          <pre className="code">{text(d.code)}</pre>
          <p className="small muted">
            SHA-256 <code className="hash">{text(d.sha256)}</code>
          </p>
        </>
      );
    case "file.opened":
    case "file.saved":
      return (
        <>
          <code>{text(d.path) || "/"}</code>{" "}
          <span className="muted">
            ({number(d.size) === null ? t("audit.activity.sizeUnknown") : formatBytes(number(d.size))})
          </span>
        </>
      );
    case "terminal.opened":
    case "terminal.closed":
      return <>{t("audit.activity.terminal", { name: text(d.name) })}</>;
    case "transfer.refused":
      return (
        <>
          <code>
            {text(d.method)} {text(d.path)}
          </code>
        </>
      );
    case "frames.unparsed":
      return <>{t("audit.activity.unparsed", { count: number(d.frames) ?? 0, kernel: text(d.kernel) })}</>;
    case "record.lost":
      return (
        <>{t("audit.activity.lost", { count: number(d.entries) ?? 0, entries: formatCount(number(d.entries)) })}</>
      );
    default:
      return <code>{JSON.stringify(d)}</code>;
  }
}
