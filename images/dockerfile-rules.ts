import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { keyValues, parseDockerfile, type Instruction } from "./dockerfile-parser";

/** What an image folder holds, read from disk by readImageFolder or written out in a test. */
export interface ImageSources {
  dockerfile: string;
  /** `Dockerfile.dockerignore` beside it, if any: the build context's exclusions for this image. */
  ignoreFile?: string;
  readme?: string;
}

export interface RuleOptions {
  /** The uid the pods run as: the final USER must be this one, so files the image owns match. */
  uid: number;
}

/** Names that say a secret is passed in: build arguments and ENV end up readable in the image's history. */
const SECRET_NAME = /secret|passw(or)?d|token|private[-_]?key|api[-_]?key|credential|access[-_]?key|\bpat\b|_pat$/i;
/** Files that hold keys or credentials; none may be copied into an image. */
const KEY_FILE =
  /\.(pem|key|jwk|p12|pfx|keystore|jks)$|(^|\/)(id_rsa|id_ed25519|\.env|\.npmrc|\.netrc|kubeconfig)$|\.spe(\/|$)/i;
/** What a build that copies the whole context must leave out of it (keys, local state, history, modules). */
export const REQUIRED_IGNORES = [".git", ".spe", "**/node_modules", "**/*.jwk", "**/*.pem", "**/*.key"];
const DIGEST = /@sha256:[0-9a-f]{64}$/;
/** A final stage that still runs a package manager for Node was not built in a stage of its own. */
const NODE_PACKAGE_MANAGER = /\b(npm|npx|yarn|pnpm|corepack)\b/;
/** The label an image that listens on nothing (a Job) carries instead of EXPOSE or HEALTHCHECK. */
export const LISTENS_ON_LABEL = "spe.ehds.eu/listens-on";

interface Stage {
  from: Instruction;
  image: string;
  name?: string;
  body: Instruction[];
}

/** Every problem of one image, each naming the line and what to change; empty when it is fine. */
export function checkImage(sources: ImageSources, options: RuleOptions): string[] {
  let instructions: Instruction[];
  try {
    instructions = parseDockerfile(sources.dockerfile);
  } catch (err) {
    return [`Dockerfile does not parse: ${(err as Error).message}`];
  }
  const stages = splitStages(instructions);
  if (stages.length === 0) return ["Dockerfile has no FROM: every image starts from a base pinned by digest."];
  const final = stages.at(-1)!;
  return [
    ...(sources.readme?.trim() ? [] : ["README.md is missing or empty: say in one line what the image is for."]),
    ...syntaxProblems(sources.dockerfile),
    ...stages.flatMap((stage, i) => baseProblems(stage, stages.slice(0, i))),
    ...userProblems(final, options.uid),
    ...instructions.flatMap(secretProblems),
    ...contextProblems(instructions, sources.ignoreFile),
    ...portProblems(final),
    ...final.body
      .filter((i) => i.keyword === "RUN" && NODE_PACKAGE_MANAGER.test(i.raw))
      .map(
        (i) =>
          `line ${i.line}: the final stage runs a Node package manager (${i.raw.slice(0, 40)}…): install and bundle in a build stage, copy only the result.`,
      ),
  ];
}

/** A `# syntax=` parser directive makes BuildKit pull that frontend image: it runs the build, so it is pinned too. */
function syntaxProblems(dockerfile: string): string[] {
  const directive = /^#\s*syntax\s*=\s*(\S+)/im.exec(dockerfile.split(/\n(?!\s*#)/)[0] ?? "");
  if (!directive || DIGEST.test(directive[1]!)) return [];
  return [
    `# syntax=${directive[1]} pulls a build frontend by tag: pin it by digest, or drop the directive for the builder's own.`,
  ];
}

function splitStages(instructions: Instruction[]): Stage[] {
  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") {
      const [image = "", as, name] = instruction.args;
      stages.push({
        from: instruction,
        image: expand(image, globalArgs),
        name: as?.toUpperCase() === "AS" ? name : undefined,
        body: [],
      });
    } else if (stages.length === 0 && instruction.keyword === "ARG") {
      for (const [name, value] of keyValues(instruction)) globalArgs.set(name, value);
    } else stages.at(-1)?.body.push(instruction);
  }
  return stages;
}

/** `${NAME}`, `$NAME` and `${NAME:-default}` from the ARGs before the first FROM, as a plain build resolves them. */
function expand(text: string, args: Map<string, string>): string {
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, braced: string, fallback: string | undefined, bare: string) => {
      const value = args.get(braced ?? bare);
      return value || fallback || "";
    },
  );
}

function baseProblems(stage: Stage, earlier: Stage[]): string[] {
  const { image, from } = stage;
  if (image === "")
    return [`line ${from.line}: FROM ${from.raw} names no image: give its ARG a default pinned by digest.`];
  if (image === "scratch" || earlier.some((s) => s.name?.toLowerCase() === image.toLowerCase())) return [];
  if (!DIGEST.test(image))
    return [
      `line ${from.line}: FROM ${image} is not pinned by digest: write it as name@sha256:<64 hex> so every build gets the same base.`,
    ];
  return [];
}

function userProblems(final: Stage, uid: number): string[] {
  const user = final.body.filter((i) => i.keyword === "USER").at(-1);
  if (!user)
    return [`the final stage has no USER: it would run as the base's user, often root; add USER ${uid}:${uid}.`];
  const [name = "", group] = (user.args[0] ?? "").split(":");
  if (!/^\d+$/.test(name) || (group !== undefined && !/^\d+$/.test(group)))
    return [
      `line ${user.line}: USER ${user.raw} is not numeric: Kubernetes can prove runAsNonRoot only for a numeric uid; write USER ${uid}:${uid}.`,
    ];
  if (Number(name) === 0 || Number(group) === 0)
    return [`line ${user.line}: USER ${user.raw} is root (uid or gid 0): the image must run as ${uid}:${uid}.`];
  if (Number(name) !== uid)
    return [
      `line ${user.line}: USER ${user.raw} is not the pods' uid ${uid} (security-context.ts): files the image owns would not match.`,
    ];
  return [];
}

function secretProblems(instruction: Instruction): string[] {
  const { keyword, line } = instruction;
  if (keyword === "ARG" || keyword === "ENV")
    return keyValues(instruction)
      .filter(([name]) => SECRET_NAME.test(name))
      .map(
        ([name]) =>
          `line ${line}: ${keyword} ${name} looks like a secret: build arguments and ENV stay readable in the image; mount secrets at run time.`,
      );
  if (keyword !== "COPY" && keyword !== "ADD") return [];
  const sources = instruction.args.slice(0, -1);
  return [
    ...sources
      .filter((s) => KEY_FILE.test(s))
      .map(
        (s) =>
          `line ${line}: ${keyword} ${s} copies a key or credential file into the image: mount it at run time instead.`,
      ),
    ...(keyword === "ADD"
      ? sources
          .filter((s) => /^https?:\/\//.test(s))
          .map(
            (s) =>
              `line ${line}: ADD ${s} fetches from the network unchecked: download in a build stage and verify a checksum.`,
          )
      : []),
  ];
}

/** COPY or ADD of the whole build context (`.`) takes whatever lies in the checkout unless an ignore file leaves it out. */
function contextProblems(instructions: Instruction[], ignoreFile: string | undefined): string[] {
  const copiesAll = instructions.find(
    (i) =>
      (i.keyword === "COPY" || i.keyword === "ADD") &&
      !i.flags.from &&
      i.args.slice(0, -1).some((s) => s === "." || s === "./"),
  );
  if (!copiesAll) return [];
  const ignored = new Set(
    (ignoreFile ?? "")
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#")),
  );
  const missing = REQUIRED_IGNORES.filter((p) => !ignored.has(p));
  if (missing.length === 0) return [];
  return [
    `line ${copiesAll.line}: ${copiesAll.keyword} ${copiesAll.raw} copies the whole context, and Dockerfile.dockerignore does not leave out ${missing.join(", ")}: add them.`,
  ];
}

function portProblems(final: Stage): string[] {
  const documented = final.body.some(
    (i) =>
      i.keyword === "EXPOSE" ||
      i.keyword === "HEALTHCHECK" ||
      (i.keyword === "LABEL" && keyValues(i).some(([k, v]) => k === LISTENS_ON_LABEL && v.trim())),
  );
  return documented
    ? []
    : [
        `the final stage has no EXPOSE, HEALTHCHECK or LABEL ${LISTENS_ON_LABEL}="…": document the port it serves, or say that it serves none.`,
      ];
}

/** The image folders under `dir`: every sub-folder is one, so a new image is checked from its first commit. */
export function imageFolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** An image folder's Dockerfile (or Containerfile), ignore file and README; undefined when it has no Dockerfile. */
export function readImageFolder(dir: string): ImageSources | undefined {
  const name = ["Dockerfile", "Containerfile"].find((n) => existsSync(join(dir, n)));
  if (!name) return undefined;
  const read = (file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), "utf8") : undefined);
  return { dockerfile: read(name)!, ignoreFile: read(`${name}.dockerignore`), readme: read("README.md") };
}
