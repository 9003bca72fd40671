import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";

/**
 * What a checker looks at in every output, after the SDC Handbook's and OpenSAFELY's practice; rounding
 * only where the profile asks for it. Ticks are the checker's own notes, kept in the page: they are not a
 * vote and nobody else sees them.
 */
const ITEMS = ["context", "threshold", "rounding", "zeros", "secondary", "unsafe", "differencing", "figures"] as const;

export function FileChecklist({ file, rounding }: { file: string; rounding: boolean }) {
  const { t } = useTranslation();
  const items = ITEMS.filter((i) => i !== "rounding" || rounding);
  const [ticked, setTicked] = useState<ReadonlySet<string>>(new Set());
  const toggle = (item: string, on: boolean) =>
    setTicked((was) => {
      const next = new Set(was);
      if (on) next.add(item);
      else next.delete(item);
      return next;
    });
  return (
    <fieldset className="file-checklist">
      <legend>
        <Trans
          i18nKey="reviews.checklist.legend"
          values={{ file, done: ticked.size, total: items.length }}
          components={{ bdi: <bdi /> }}
        />
      </legend>
      <p className="muted small">{t("reviews.checklist.hint")}</p>
      {items.map((item) => (
        <label key={item} className="inline block">
          <input type="checkbox" checked={ticked.has(item)} onChange={(e) => toggle(item, e.target.checked)} />{" "}
          {t(`reviews.checklist.items.${item}`)}
        </label>
      ))}
    </fieldset>
  );
}
