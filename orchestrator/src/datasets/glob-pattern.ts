/**
 * Turns a simple regular expression — character classes and literals, each optionally with {n}, {n,m} or ?,
 * and ( … )? groups of those — into the GLOB patterns that together match exactly the same whole strings.
 * The check runs on every value of a column, and DuckDB's GLOB costs next to nothing where a regular
 * expression costs some 100 ns. Returns undefined for anything else (alternation, *, +, anchors, escapes
 * other than \. and \-, negated classes) and when there would be more than `limit` patterns; the caller then
 * keeps the regular expression.
 */
export function regexToGlobs(regex: string, limit = 16): string[] | undefined {
  let pos = 0;
  const fail = () => undefined;

  function sequence(): string[] | undefined {
    let globs = [""];
    while (pos < regex.length && regex[pos] !== ")") {
      const atom = parseAtom();
      if (!atom) return fail();
      const [min, max] = quantifier() ?? [];
      if (min === undefined || max === undefined) return fail();
      const next: string[] = [];
      for (const g of globs) for (let n = min; n <= max; n++) for (const a of repeat(atom, n)) next.push(g + a);
      if (next.length > limit) return fail();
      globs = next;
    }
    return globs;
  }

  function parseAtom(): string[] | undefined {
    const ch = regex[pos]!;
    if (ch === "(") {
      pos++;
      const inner = sequence();
      if (!inner || regex[pos] !== ")") return fail();
      pos++;
      return inner;
    }
    if (ch === "[") {
      const end = regex.indexOf("]", pos + 1);
      const body = regex.slice(pos + 1, end);
      if (end < 0 || body === "" || /[\\^[\]]/.test(body)) return fail();
      pos = end + 1;
      return [`[${body}]`];
    }
    if (ch === "\\") {
      const escaped = regex[pos + 1];
      if (escaped !== "." && escaped !== "-") return fail();
      pos += 2;
      return [escaped];
    }
    if (/[A-Za-z0-9 _:/,;-]/.test(ch)) {
      pos++;
      return [ch];
    }
    return fail();
  }

  function quantifier(): [number, number] | undefined {
    if (regex[pos] === "?") {
      pos++;
      return [0, 1];
    }
    const m = /^\{(\d+)(?:,(\d+))?\}/.exec(regex.slice(pos));
    if (!m) return [1, 1];
    pos += m[0].length;
    const [min, max] = [Number(m[1]), Number(m[2] ?? m[1])];
    return min <= max && max <= 64 ? [min, max] : undefined;
  }

  function repeat(atom: string[], n: number): string[] {
    let out = [""];
    for (let i = 0; i < n; i++) out = out.flatMap((o) => atom.map((a) => o + a));
    return out;
  }

  const globs = sequence();
  return globs && pos === regex.length && globs.length <= limit ? globs : undefined;
}
