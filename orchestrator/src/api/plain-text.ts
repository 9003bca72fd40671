/** C0 controls but tab, line feed and carriage return, and DEL: nothing a person types means them. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Where in a request's input (JSON as sent) the first text with a control character is, as a path
 * (`justification`, `files.2.path`, `` for the input itself), or undefined when there is none. The database
 * refuses NUL in text, so without this such input failed as a 500 after the procedure had begun.
 */
export function controlCharacterAt(value: unknown, path: string[] = []): string | undefined {
  if (typeof value === "string") return CONTROL.test(value) ? path.join(".") : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = controlCharacterAt(item, [...path, String(i)]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === "object")
    for (const [key, item] of Object.entries(value)) {
      const found = CONTROL.test(key) ? [...path, key].join(".") : controlCharacterAt(item, [...path, key]);
      if (found !== undefined) return found;
    }
  return undefined;
}
