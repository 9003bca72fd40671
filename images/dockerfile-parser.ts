/**
 * A Dockerfile read into instructions: enough of the reference's grammar for the checks in
 * dockerfile-rules.ts (comments, parser directives, `\` continuations, heredocs skipped, JSON and shell
 * forms, `--flags`). No Dockerfile parser is installed in the repository, and this one is small.
 */
export interface Instruction {
  /** Upper-cased keyword: FROM, RUN, COPY … */
  keyword: string;
  /** Options before the arguments, e.g. `--from=bundle` → { from: "bundle" }. */
  flags: Record<string, string>;
  /** The arguments: the JSON array's items, or the rest of the line split on white space. */
  args: string[];
  /** The arguments as written, continuations joined. */
  raw: string;
  /** 1-based line where the instruction starts. */
  line: number;
}

export function parseDockerfile(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  const instructions: Instruction[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let logical = lines[i]!;
    if (/^\s*(#.*)?$/.test(logical)) continue;
    // A trailing backslash continues the instruction; comment lines inside it are dropped.
    while (/\\\s*$/.test(logical) && i + 1 < lines.length) {
      logical = logical.replace(/\\\s*$/, " ");
      while (i + 1 < lines.length && /^\s*#/.test(lines[i + 1]!)) i++;
      if (i + 1 < lines.length) logical += lines[++i]!;
    }
    const match = /^\s*([A-Za-z]+)\s*(.*)$/.exec(logical);
    if (!match) throw new Error(`Line ${start + 1}: not an instruction: ${logical.trim()}`);
    const keyword = match[1]!.toUpperCase();
    const raw = match[2]!.trim();
    // A heredoc (RUN <<EOF …) carries its own lines up to the delimiter; none of them is an instruction.
    const heredoc = /<<-?["']?([A-Za-z0-9_]+)["']?/.exec(raw);
    if (heredoc) while (i + 1 < lines.length && lines[++i]!.trim() !== heredoc[1]);
    instructions.push({ keyword, ...splitArguments(raw), raw, line: start + 1 });
  }
  return instructions;
}

function splitArguments(raw: string): Pick<Instruction, "flags" | "args"> {
  const flags: Record<string, string> = {};
  let rest = raw;
  for (let flag = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest); flag; flag = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest)) {
    flags[flag[1]!] = flag[2] ?? "true";
    rest = rest.slice(flag[0].length);
  }
  if (rest.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(rest);
      if (Array.isArray(parsed) && parsed.every((a) => typeof a === "string")) return { flags, args: parsed };
    } catch {
      // Not valid JSON: Docker treats it as the shell form too.
    }
  }
  return { flags, args: rest.split(/\s+/).filter(Boolean) };
}

/** `ENV a=1 b="x y"` and the older `ENV a 1`: the names and values it sets. */
export function keyValues(instruction: Instruction): Array<[string, string]> {
  const { raw } = instruction;
  if (!raw.includes("=") || /^\S+\s/.test(raw.replace(/=.*$/, ""))) {
    const [name = "", ...value] = raw.split(/\s+/);
    return [[name, value.join(" ")]];
  }
  const pairs: Array<[string, string]> = [];
  for (const m of raw.matchAll(/([^\s=]+)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g))
    pairs.push([m[1]!, (m[2] ?? "").replace(/^["']|["']$/g, "")]);
  return pairs;
}
