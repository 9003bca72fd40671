import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@spe/infra/local-cluster";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airlockAgentClient } from "./client";

const main = fileURLToPath(new URL("./main.ts", import.meta.url));
const SECRET = "SECRET-OUTSIDE-THE-OUTBOX";

/** A raw GET: the path goes on the wire exactly as given (fetch would resolve ".." first). */
function get(
  port: number,
  path: string,
  method = "GET",
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

function startAgent(env: NodeJS.ProcessEnv): {
  child: ChildProcess;
  started: Promise<void>;
  exited: Promise<number | null>;
  stderr: () => string;
} {
  const child = spawn(process.execPath, ["--import", "tsx", main], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const started = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes("Started airlock agent")) resolve();
    });
    void exited.then((code) => reject(new Error(`The agent exited (${code}): ${stderr}`)));
  });
  started.catch(() => undefined); // awaited only by tests that expect a start
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  return { child, started, exited, stderr: () => stderr };
}

describe("airlock agent, as a real process over a real folder", () => {
  const base = mkdtempSync(join(tmpdir(), "spe-airlock-"));
  const outbox = join(base, "outbox");
  const outside = join(base, "outside");
  const big = Buffer.alloc(3 * 1024 * 1024 + 17, "x");
  let port: number;
  let agent: ReturnType<typeof startAgent>;
  let socketServer: Server;

  beforeAll(async () => {
    mkdirSync(join(outbox, "sub", "deeper"), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(outside, "secret.txt"), SECRET);
    writeFileSync(join(outbox, "table.csv"), "region,count\nA,12\n");
    writeFileSync(join(outbox, "with space & ü.csv"), "a,count\n1,10\n");
    writeFileSync(join(outbox, "empty.txt"), "");
    writeFileSync(join(outbox, "sub", "deeper", "model.json"), '{"df_resid": 40}');
    writeFileSync(join(outbox, "big.bin"), big);
    symlinkSync(join(outside, "secret.txt"), join(outbox, "link-to-secret.txt"));
    symlinkSync(outside, join(outbox, "linked-dir"));
    symlinkSync(join(outbox, "table.csv"), join(outbox, "sub", "inner-link.csv"));
    expect(spawnSync("mkfifo", [join(outbox, "pipe")]).status).toBe(0);
    socketServer = createServer();
    await new Promise<void>((resolve) => socketServer.listen(join(outbox, "sock"), resolve));
    port = await freePort();
    agent = startAgent({ OUTBOX_DIR: outbox, PORT: String(port), HOST: "127.0.0.1" });
    await agent.started;
  });

  afterAll(async () => {
    agent.child.kill("SIGTERM");
    expect(await agent.exited).toBe(0);
    socketServer.close();
  });

  it("GET /healthz", async () => {
    const res = await get(port, "/healthz");
    expect(res).toMatchObject({ status: 200, body: '{"status":"ok"}' });
  });

  it("GET /files lists regular files only, recursively, by relative POSIX path", async () => {
    const res = await get(port, "/files");
    expect(res.status).toBe(200);
    const files = JSON.parse(res.body) as { path: string; size: number; modified: string }[];
    expect(files.map((f) => f.path)).toEqual([
      "big.bin",
      "empty.txt",
      "sub/deeper/model.json",
      "table.csv",
      "with space & ü.csv",
    ]);
    expect(files.find((f) => f.path === "table.csv")).toEqual({
      path: "table.csv",
      size: 18,
      modified: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });
    expect(res.body).not.toContain("secret");
  });

  it("GET /files/<path> streams the bytes with content-length", async () => {
    const res = await get(port, "/files/sub/deeper/model.json");
    expect(res).toMatchObject({
      status: 200,
      body: '{"df_resid": 40}',
      headers: { "content-length": "16", "content-type": "application/octet-stream" },
    });
    expect((await get(port, "/files/with%20space%20%26%20%C3%BC.csv")).body).toBe("a,count\n1,10\n");
    expect(await get(port, "/files/empty.txt")).toMatchObject({
      status: 200,
      body: "",
      headers: { "content-length": "0" },
    });
  });

  it.each([
    ["/files/../outside/secret.txt", "dot-dot"],
    ["/files/sub/../../outside/secret.txt", "dot-dot inside"],
    ["/files/%2e%2e/outside/secret.txt", "encoded dot-dot"],
    ["/files/%2E%2E%2Foutside%2Fsecret.txt", "encoded dot-dot and slashes"],
    ["/files/sub/..%2f..%2foutside%2fsecret.txt", "half-encoded"],
    ["/files/..%5c..%5coutside%5csecret.txt", "backslashes"],
    ["/files//etc/passwd", "absolute"],
    ["/files/%2fetc%2fpasswd", "encoded absolute"],
    ["/files/table.csv%00.png", "NUL byte"],
    ["/files/%zz", "broken percent-encoding"],
    ["/files/./table.csv", "dot segment"],
  ])("refuses %s (%s) with 400 OUTBOX_PATH_INVALID", async (path) => {
    const res = await get(port, path);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: { code: "OUTBOX_PATH_INVALID", message: expect.any(String) } });
    expect(res.body).not.toContain(SECRET);
  });

  it.each([
    ["/files/link-to-secret.txt", /symbolic link/],
    ["/files/linked-dir/secret.txt", /linked-dir is a symbolic link/],
    ["/files/sub/inner-link.csv", /symbolic link/],
    ["/files/sub", /a directory, not a regular file/],
    ["/files/pipe", /a FIFO, not a regular file/],
    ["/files/sock", /a socket, not a regular file/],
  ])("refuses %s with 403 OUTBOX_PATH_REFUSED", async (path, message) => {
    const res = await get(port, path);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toEqual({
      error: { code: "OUTBOX_PATH_REFUSED", message: expect.stringMatching(message) },
    });
    expect(res.body).not.toContain(SECRET);
  });

  it.each(["/files/missing.csv", "/files/table.csv/inside", "/files/nowhere/x.csv"])(
    "404 OUTBOX_FILE_NOT_FOUND for %s",
    async (path) => {
      const res = await get(port, path);
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body).error.code).toBe("OUTBOX_FILE_NOT_FOUND");
    },
  );

  it("is read-only: other methods get 405; unknown routes 404", async () => {
    for (const method of ["PUT", "DELETE", "POST"])
      expect((await get(port, "/files/table.csv", method)).status).toBe(405);
    expect(existsSync(join(outbox, "table.csv"))).toBe(true);
    expect((await get(port, "/outside/secret.txt")).status).toBe(404);
  });

  describe("airlockAgentClient", () => {
    const client = () => airlockAgentClient(`http://127.0.0.1:${port}/`);
    const downloads = mkdtempSync(join(tmpdir(), "spe-airlock-copies-"));

    it("list()", async () => {
      expect((await client().list()).map((f) => f.path)).toContain("sub/deeper/model.json");
    });

    it("download() streams to disk and returns the SHA-256 and size of what it wrote", async () => {
      const destination = join(downloads, "big.bin");
      const result = await client().download("big.bin", destination);
      expect(result).toEqual({ sha256: createHash("sha256").update(big).digest("hex"), size: big.length });
      expect(readFileSync(destination).equals(big)).toBe(true);
      const spaced = await client().download("with space & ü.csv", join(downloads, "spaced.csv"));
      expect(spaced.size).toBe(13);
    });

    it("download() refuses to overwrite, and past maxBytes (leaving nothing behind)", async () => {
      writeFileSync(join(downloads, "taken.csv"), "mine");
      await expect(client().download("table.csv", join(downloads, "taken.csv"))).rejects.toMatchObject({
        code: "EEXIST",
      });
      expect(readFileSync(join(downloads, "taken.csv"), "utf8")).toBe("mine");
      await expect(
        client().download("big.bin", join(downloads, "too-big.bin"), { maxBytes: 1024 }),
      ).rejects.toMatchObject({ code: "EXPORT_FILE_REFUSED" });
      expect(existsSync(join(downloads, "too-big.bin"))).toBe(false);
    });

    it("passes on the agent's refusals as SpeErrors with its codes", async () => {
      await expect(client().download("link-to-secret.txt", join(downloads, "s.txt"))).rejects.toMatchObject({
        code: "OUTBOX_PATH_REFUSED",
      });
      await expect(client().download("missing.csv", join(downloads, "m.csv"))).rejects.toMatchObject({
        code: "OUTBOX_FILE_NOT_FOUND",
      });
      await expect(client().download("../outside/secret.txt", join(downloads, "t.txt"))).rejects.toMatchObject({
        code: "OUTBOX_PATH_INVALID",
      });
      expect(existsSync(join(downloads, "s.txt"))).toBe(false);
    });

    it("an agent that does not answer is AIRLOCK_AGENT_FAILED", async () => {
      await expect(airlockAgentClient(`http://127.0.0.1:${await freePort()}`).list()).rejects.toMatchObject({
        code: "AIRLOCK_AGENT_FAILED",
      });
    });
  });

  it("refuses to start without OUTBOX_DIR, or with one that does not exist (exit 2)", async () => {
    const missing = startAgent({ OUTBOX_DIR: "", PORT: String(await freePort()) });
    expect(await missing.exited).toBe(2);
    expect(missing.stderr()).toMatch(/OUTBOX_DIR/);
    const absent = startAgent({ OUTBOX_DIR: join(base, "absent"), PORT: String(await freePort()) });
    expect(await absent.exited).toBe(2);
    expect(absent.stderr()).toMatch(/Cannot serve OUTBOX_DIR .*ENOENT/);
  });
});
