/** Values for a sentence's `{{slot}}`s. */
export type TemplateValues = Record<string, string | number>;

/**
 * A sentence template with its `{{slot}}`s filled, in the syntax the UI's locales (i18next) use, so one
 * key and its values can be said in English here and in the reader's language there. A slot without a
 * value stays visible rather than reading as an empty word.
 */
export function fillTemplate(template: string, values: TemplateValues = {}): string {
  return template.replace(/\{\{(\w+)\}\}/g, (slot, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : slot,
  );
}
