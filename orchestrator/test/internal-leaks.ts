/**
 * What of our internals a text shows a person: cluster addresses, private and loopback addresses, ports of
 * services other than the public ones, file paths, stack traces, regular expressions and zod's dumps. Each
 * finding is the matched text with what it is, for a test's failure to say where to look.
 *
 * `publicOrigins` are the addresses a person is meant to see (the UI's own, the workspace domain's hosts, and
 * the hosts of outside parties the data names, such as a permit's issuer).
 */
export function internalsIn(
  text: string,
  publicOrigins: { origin: string; domain: string; outsideHosts?: string[] },
): string[] {
  // Where a person connected from is what an audit record says of them (`actor.address`), not ours to hide.
  text = text.replace(/"address"\s*:\s*"[^"]*"/g, '"address":""');
  const found: string[] = [];
  const note = (what: string, pattern: RegExp) => {
    for (const m of text.matchAll(pattern)) found.push(`${what}: ${m[0]}`);
  };
  note("cluster address", /[\w.-]+\.svc(\.cluster\.local)?\b|cluster\.local\b/g);
  note(
    "private address",
    /\b(?:10\.\d{1,3}|127\.\d{1,3}|192\.168|172\.(?:1[6-9]|2\d|3[01])|169\.254)\.\d{1,3}\.\d{1,3}\b|\[?::1\]?:\d+/g,
  );
  note("file path", /(?:^|[\s"'(=:])(?:\/(?:tmp|home|root|work|var|etc|usr|proc|opt|srv|run|data)\/[^\s"')]*)/g);
  note("file path", /file:\/\/\S+|node_modules|\b[\w-]+\.(?:ts|js|mjs|cjs):\d+(?::\d+)?/g);
  note("stack trace", /\n\s+at\s|\bat [\w.<>]+ \([^)]*:\d+:\d+\)|"stack"\s*:/g);
  note("regular expression", /\/\^[^/\n]*\$?\/[gimsuy]*|must match pattern|"pattern"\s*:/g);
  note(
    "validator dump",
    /"code"\s*:\s*"(?:invalid_\w+|too_small|too_big|unrecognized_keys|custom)"|"origin"\s*:\s*"|Invalid input: expected|Invalid (?:string|option|UUID|uuid)|Too (?:small|big): expected/g,
  );
  for (const m of text.matchAll(/\bhttps?:\/\/[^\s"'<>)]+/g)) {
    const url = URL.canParse(m[0]) ? new URL(m[0]) : undefined;
    const own =
      url &&
      (url.origin === publicOrigins.origin ||
        url.hostname === publicOrigins.domain ||
        url.hostname.endsWith(`.${publicOrigins.domain}`) ||
        (publicOrigins.outsideHosts ?? []).includes(url.hostname));
    if (!own) found.push(`internal URL: ${m[0]}`);
  }
  return [...new Set(found)];
}
