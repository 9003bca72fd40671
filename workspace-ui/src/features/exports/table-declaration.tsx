import { useId } from "react";
import { Trans, useTranslation } from "react-i18next";

/** What a researcher declares of a frequency table so that it is compared with the permit's releases. */
export interface TableDeclaration {
  population: string;
  /** Category columns, comma-separated as typed. */
  dimensions: string;
}

/** The declaration as the API takes it: both parts or neither; undefined when half filled in. */
export function declarationInput(
  declaration: TableDeclaration | undefined,
): { population?: string; dimensions?: string[] } | undefined {
  const population = declaration?.population.trim() ?? "";
  const dimensions = (declaration?.dimensions ?? "")
    .split(",")
    .map((d) => d.trim())
    .filter((d) => d !== "");
  if (population === "" && dimensions.length === 0) return {};
  if (population === "" || dimensions.length === 0 || dimensions.length > 2) return undefined;
  return { population, dimensions };
}

/**
 * Two optional fields under a frequency table: its population and its dimensions. With them, the table is
 * checked against the tables released before under the permit for counts they reveal together.
 */
export function TableDeclarationFields({
  path,
  value,
  onChange,
  showError,
}: {
  path: string;
  value: TableDeclaration | undefined;
  onChange: (next: TableDeclaration) => void;
  showError: boolean;
}) {
  const { t } = useTranslation();
  const id = useId();
  const current = value ?? { population: "", dimensions: "" };
  const invalid = showError && declarationInput(value) === undefined;
  return (
    <fieldset className="table-declaration">
      <legend>
        <Trans i18nKey="exports.declaration.legend" values={{ file: path }} components={{ bdi: <bdi /> }} />
      </legend>
      <p className="muted small">{t("exports.declaration.why")}</p>
      <div className="field">
        <label htmlFor={`${id}-population`}>{t("exports.declaration.population")}</label>
        <input
          id={`${id}-population`}
          value={current.population}
          aria-invalid={invalid || undefined}
          onChange={(e) => onChange({ ...current, population: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-dimensions`}>{t("exports.declaration.dimensions")}</label>
        <input
          id={`${id}-dimensions`}
          value={current.dimensions}
          aria-invalid={invalid || undefined}
          onChange={(e) => onChange({ ...current, dimensions: e.target.value })}
        />
      </div>
      {invalid && (
        <p className="field-error" role="alert">
          {t("exports.declaration.invalid")}
        </p>
      )}
    </fieldset>
  );
}
