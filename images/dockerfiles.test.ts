import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { defaultEnvironmentConfig } from "../orchestrator/src/environments/environment-config";
import { ORCHESTRATOR_UID } from "../infra/pulumi/orchestrator-pod";
import { podSecurityContext } from "../orchestrator/src/environments/desired/security-context";
import { keyValues, parseDockerfile } from "./dockerfile-parser";
import { checkImage, imageFolders, LISTENS_ON_LABEL, readImageFolder, REQUIRED_IGNORES } from "./dockerfile-rules";
import { PROGRAMS } from "./programs";

const imagesDir = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = join(imagesDir, "..");
const uid = podSecurityContext.runAsUser!;
/** The uid each image runs as: an environment's pods', or, for the orchestrator, its own pod's (Pulumi). */
const uidOf = (folder: string) => (folder === "orchestrator" ? ORCHESTRATOR_UID : uid);

const DIGEST = "sha256:" + "ab".repeat(32);
const IGNORES = REQUIRED_IGNORES.join("\n");
/** A Dockerfile that passes every rule; each bad case below changes one thing in it. */
const GOOD = `ARG BASE=example.org/node@${DIGEST}
FROM \${BASE} AS build
RUN npm ci
COPY . .
FROM build AS bundle
FROM example.org/distroless@${DIGEST}
COPY --from=bundle /out/ /app/
USER ${uid}:${uid}
EXPOSE 8080
CMD ["/app/main.mjs"]
`;
const good = { dockerfile: GOOD, ignoreFile: IGNORES, readme: "What it is for." };

describe("the Dockerfile checker", () => {
  it("passes a Dockerfile that keeps every rule", () => {
    expect(checkImage(good, { uid })).toEqual([]);
  });

  it.each([
    [
      "a base by tag",
      GOOD.replace(`example.org/distroless@${DIGEST}`, "example.org/distroless:latest"),
      "FROM example.org/distroless:latest is not pinned by digest",
    ],
    [
      "a build stage by tag through its ARG",
      GOOD.replace(`node@${DIGEST}`, "node:22"),
      "FROM example.org/node:22 is not pinned by digest",
    ],
    [
      "an ARG without a default in FROM",
      GOOD.replace(`ARG BASE=example.org/node@${DIGEST}`, "ARG BASE"),
      "names no image",
    ],
    ["a short digest", GOOD.replace(`distroless@${DIGEST}`, "distroless@sha256:abc"), "is not pinned by digest"],
    ["no USER", GOOD.replace(`USER ${uid}:${uid}\n`, ""), "the final stage has no USER"],
    ["USER by name", GOOD.replace(`USER ${uid}:${uid}`, "USER node"), "USER node is not numeric"],
    ["USER root by number", GOOD.replace(`USER ${uid}:${uid}`, "USER 0"), "USER 0 is root"],
    ["a root group", GOOD.replace(`USER ${uid}:${uid}`, `USER ${uid}:0`), `USER ${uid}:0 is root`],
    ["another uid than the pods'", GOOD.replace(`USER ${uid}:${uid}`, "USER 10001"), `not the pods' uid ${uid}`],
    [
      "USER only in a build stage",
      GOOD.replace(`USER ${uid}:${uid}\n`, "").replace("RUN npm ci", `USER ${uid}\nRUN npm ci`),
      "the final stage has no USER",
    ],
    [
      "a secret build argument",
      GOOD.replace("FROM ${BASE} AS build", "FROM ${BASE} AS build\nARG NPM_TOKEN"),
      "ARG NPM_TOKEN looks like a secret",
    ],
    [
      "a secret in ENV",
      GOOD.replace("EXPOSE 8080", "ENV OIDC_CLIENT_SECRET=abc PORT=8080\nEXPOSE 8080"),
      "ENV OIDC_CLIENT_SECRET looks like a secret",
    ],
    [
      "a secret in legacy ENV",
      GOOD.replace("EXPOSE 8080", "ENV DB_PASSWORD hunter2\nEXPOSE 8080"),
      "ENV DB_PASSWORD looks like a secret",
    ],
    [
      "a key file copied",
      GOOD.replace("EXPOSE 8080", "COPY orchestrator/dev/DEVELOPMENT-ONLY-hdab-signing-key.jwk /app/\nEXPOSE 8080"),
      "copies a key or credential file",
    ],
    [
      "local state copied",
      GOOD.replace("EXPOSE 8080", "COPY .spe/keys /app/keys\nEXPOSE 8080"),
      "COPY .spe/keys copies a key or credential file",
    ],
    [
      "an .npmrc copied",
      GOOD.replace("COPY . .", "COPY .npmrc ./\nCOPY . ."),
      "COPY .npmrc copies a key or credential file",
    ],
    [
      "a download by ADD",
      GOOD.replace("EXPOSE 8080", "ADD https://example.org/tool.tgz /opt/\nEXPOSE 8080"),
      "fetches from the network unchecked",
    ],
    [
      "npm in the final stage",
      GOOD.replace("EXPOSE 8080", "RUN npm install --omit=dev\nEXPOSE 8080"),
      "the final stage runs a Node package manager",
    ],
    ["no port, health check or label", GOOD.replace("EXPOSE 8080\n", ""), "no EXPOSE, HEALTHCHECK or LABEL"],
    [
      "a build frontend by tag",
      `# syntax=docker/dockerfile:1\n${GOOD}`,
      "# syntax=docker/dockerfile:1 pulls a build frontend by tag",
    ],
    ["no FROM at all", "RUN true\n", "Dockerfile has no FROM"],
  ])("fails %s, naming the problem", (_case, dockerfile, problem) => {
    const problems = checkImage({ ...good, dockerfile }, { uid });
    expect(problems.join("\n")).toContain(problem);
  });

  it("fails a whole-context COPY without an ignore file, naming what to leave out", () => {
    expect(checkImage({ ...good, ignoreFile: undefined }, { uid }).join("\n")).toContain(
      `Dockerfile.dockerignore does not leave out ${REQUIRED_IGNORES.join(", ")}`,
    );
    expect(checkImage({ ...good, ignoreFile: IGNORES.replace(".spe\n", "") }, { uid })).toEqual([
      expect.stringMatching(/does not leave out \.spe: add them/),
    ]);
  });

  it("fails an image without a README", () => {
    expect(checkImage({ ...good, readme: " \n" }, { uid })).toEqual([
      expect.stringContaining("README.md is missing or empty"),
    ]);
  });

  it("accepts a Job image that says it listens on nothing, and a HEALTHCHECK instead of EXPOSE", () => {
    const job = GOOD.replace(
      "EXPOSE 8080",
      `LABEL org.opencontainers.image.title="x" \\\n      ${LISTENS_ON_LABEL}="nothing: a Job"`,
    );
    expect(checkImage({ ...good, dockerfile: job }, { uid })).toEqual([]);
    const empty = GOOD.replace("EXPOSE 8080", `LABEL ${LISTENS_ON_LABEL}=""`);
    expect(checkImage({ ...good, dockerfile: empty }, { uid })).toHaveLength(1);
    const health = GOOD.replace("EXPOSE 8080", 'HEALTHCHECK CMD ["node", "-e", "process.exit(0)"]');
    expect(checkImage({ ...good, dockerfile: health }, { uid })).toEqual([]);
  });

  it("reads continuations, comments inside them, heredocs and JSON arguments", () => {
    const parsed = parseDockerfile(
      'FROM a AS b\nRUN <<EOF\nFROM nothing\nEOF\nENV A=1 \\\n# a comment\n    B="x y"\nCMD ["node", "m.mjs"]\n',
    );
    expect(parsed.map((i) => i.keyword)).toEqual(["FROM", "RUN", "ENV", "CMD"]);
    expect(keyValues(parsed[2]!)).toEqual([
      ["A", "1"],
      ["B", "x y"],
    ]);
    expect(parsed[3]!.args).toEqual(["node", "m.mjs"]);
    expect(parsed[3]!.line).toBe(8);
  });
});

describe.each(imageFolders(imagesDir))("image %s", (folder) => {
  const sources = readImageFolder(join(imagesDir, folder));

  it("has a Dockerfile that keeps every rule", () => {
    expect(sources, `images/${folder} has no Dockerfile or Containerfile`).toBeDefined();
    expect(checkImage(sources!, { uid: uidOf(folder) })).toEqual([]);
  });

  it("bundles only programs that exist", () => {
    const bundled = [...sources!.dockerfile.matchAll(/bundle-program\.ts (\S+)/g)].map((m) => m[1]!);
    for (const name of bundled) {
      expect(Object.keys(PROGRAMS), `images/${folder} bundles ${name}`).toContain(name);
      const program = PROGRAMS[name as keyof typeof PROGRAMS];
      expect(existsSync(join(repoRoot, program.entry)), `${program.entry} (the entry of ${name}) is missing`).toBe(
        true,
      );
      for (const asset of program.assets.filter((a) => !a.endsWith("dist")))
        expect(existsSync(join(repoRoot, asset)), asset).toBe(true);
    }
  });
});

/** The port each image serves must be the one the orchestrator's configuration sends traffic to. */
describe.each([
  ["airlock-agent", defaultEnvironmentConfig.airlockPort],
  ["workspace", defaultEnvironmentConfig.workspacePort],
  ["orchestrator", 8080],
])("image %s", (folder, port) => {
  it(`exposes port ${port}`, () => {
    const exposed = parseDockerfile(readImageFolder(join(imagesDir, folder))!.dockerfile)
      .filter((i) => i.keyword === "EXPOSE")
      .flatMap((i) => i.args);
    expect(exposed).toEqual([String(port)]);
  });
});

describe("the workspace", () => {
  const dir = join(imagesDir, "workspace");
  const text = (file: string) => readFileSync(join(dir, file), "utf8");
  const env = new Map(
    parseDockerfile(text("Dockerfile"))
      .filter((i) => i.keyword === "ENV")
      .flatMap(keyValues),
  );

  it("points pip and R at no package index, and carries no conda", () => {
    expect(env.get("PIP_NO_INDEX")).toBe("1");
    expect(text("pip.conf")).toMatch(/^no-index = true$/m);
    expect(text("Rprofile.site")).toMatch(/options\(repos = character\(0\)/);
    const dockerfile = text("Dockerfile");
    // Debian's R reads /etc/R/Rprofile.site; pip in the venv reads /etc/pip.conf as its site-wide file.
    for (const [file, target] of [
      ["pip.conf", "/etc/pip.conf"],
      ["Rprofile.site", "/etc/R/Rprofile.site"],
    ])
      expect(dockerfile).toContain(`COPY images/workspace/${file} ${target}`);
    const instructions = parseDockerfile(dockerfile)
      .map((i) => i.raw)
      .join("\n");
    expect(instructions).not.toMatch(/\b(conda|mamba)\b/);
  });

  it("installs Python packages from PyPI only at pinned versions, as wheels", () => {
    const requirements = text("requirements.txt")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    expect(requirements.length).toBeGreaterThan(0);
    for (const line of requirements) expect(line).toMatch(/^[A-Za-z0-9._-]+==[0-9][A-Za-z0-9.+!-]*$/);
    expect(text("Dockerfile")).toMatch(/pip install [^\n]*--only-binary=:all:/);
  });

  it("asks for the token the orchestrator gives it and leaves none for its kernels, installs no extensions and serves on the orchestrator's workspace port", () => {
    const config = text("jupyter_server_config.py");
    // The config as Jupyter runs it (get_config gives the config object), in a temporary home.
    const run = (env: Record<string, string>) =>
      JSON.parse(
        execFileSync(
          "python3",
          [
            "-c",
            [
              "import json, os, sys, tempfile",
              "from types import SimpleNamespace as N",
              "c = N(ServerApp=N(), IdentityProvider=N(), PasswordIdentityProvider=N(), ContentsManager=N(), LabApp=N())",
              "os.environ['HOME'] = tempfile.mkdtemp()",
              "exec(open(sys.argv[1]).read(), {'get_config': lambda: c, '__file__': sys.argv[1]})",
              "print(json.dumps({'token': c.IdentityProvider.token, 'left': os.environ.get('SPE_WORKSPACE_TOKEN'), 'port': c.ServerApp.port}))",
            ].join("\n"),
            join(dir, "jupyter_server_config.py"),
          ],
          { encoding: "utf8", stdio: "pipe", env: { PATH: process.env.PATH, PYTHONDONTWRITEBYTECODE: "1", ...env } },
        ),
      ) as { token: string; left: string | null; port: number };
    // The port is the one the tools registry passes; the image's own start check passes none.
    const port = defaultEnvironmentConfig.workspacePort;
    expect(run({ SPE_WORKSPACE_TOKEN: "a".repeat(64), SPE_WORKSPACE_PORT: String(port) })).toEqual({
      token: "a".repeat(64),
      left: null,
      port,
    });
    expect(run({ SPE_WORKSPACE_PORT: "9001" }).port).toBe(9001);
    expect(run({})).toEqual({ token: "", left: null, port: 8888 });
    expect(config).toMatch(/^c\.LabApp\.extension_manager = "readonly"$/m);
  });

  it("serves at the root of its workspace host and allows the Lab's calls from exactly the given origins", () => {
    expect(text("jupyter_server_config.py")).toMatch(/^c\.ServerApp\.base_url = "\/"$/m);
    const pattern = (origins?: string) =>
      execFileSync(
        "python3",
        [
          "-c",
          "import sys, os; sys.path.insert(0, sys.argv[1]); from spe_origins import allowed_origin_pattern; print(allowed_origin_pattern({} if len(sys.argv) < 3 else {'SPE_ALLOWED_ORIGINS': sys.argv[2]}))",
          dir,
          ...(origins === undefined ? [] : [origins]),
        ],
        { encoding: "utf8", stdio: "pipe" },
      ).trim();
    const matches = (p: string, origin: string) => new RegExp(p).test(origin);
    const two = pattern("http://a1.ws.localhost:8080 https://b2.ws.example");
    expect(matches(two, "http://a1.ws.localhost:8080")).toBe(true);
    expect(matches(two, "https://b2.ws.example")).toBe(true);
    // Not a prefix, not another port, not another host: the escaped dot matches only a dot.
    for (const other of ["http://a1.ws.localhost:80801", "http://a1.ws.localhost", "http://a1xws.localhost:8080"])
      expect(matches(two, other)).toBe(false);
    expect(matches(pattern(), "http://a1.ws.localhost:8080")).toBe(false);
    expect(() => pattern("javascript:alert(1)")).toThrow(/is not an origin/);
  });
});
