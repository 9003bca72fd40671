import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CookieClient } from "../../test/cookie-client";
import { eventually } from "../../test/eventually";
import { encodeJson, encodeV1, kernelMessage, decodeV1, startKernelUpstream } from "../../test/kernel-upstream";
import { loopbackLookup } from "../../test/loopback-fetch";
import { pushDevPermit } from "../../test/push-permit";
import { startStack, type Stack } from "../../test/stack";
import { cookieHeader, openWorkspace } from "../../test/workspace-host";
import { demoPermitPayload } from "../permits/demo-permit";
import { activityTimeline, type TimelineEntry } from "./activity-queries";
import { KERNEL_V1_PROTOCOL } from "./kernel-frames";
import { verifyActivityChain } from "./verify-activity-chain";
import { createHash } from "node:crypto";

/** A WebSocket on a workspace host as its own page opens it, with the host's cookies. */
function openSocket(client: CookieClient, origin: string, path: string, protocols: string[] = []): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${origin.replace(/^http/, "ws")}${path}`, protocols, {
      headers: { cookie: cookieHeader(client, origin) },
      origin,
      lookup: loopbackLookup as never,
    });
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

const nextMessage = (ws: WebSocket) =>
  new Promise<Buffer>((resolve) => ws.once("message", (data: Buffer) => resolve(data)));

const closed = (ws: WebSocket) =>
  new Promise<void>((resolve) => {
    ws.once("close", () => resolve());
    ws.close();
  });

describe("the gateway's record of activities", () => {
  let upstream: Awaited<ReturnType<typeof startKernelUpstream>>;
  let stack: Stack;
  let namespace: string;
  let alice: CookieClient;
  let origin: string;
  /** Every frame alice's browser sent to a kernel, in order. */
  const sent: Buffer[] = [];

  beforeAll(async () => {
    upstream = await startKernelUpstream();
    stack = await startStack({ WORKSPACE_UPSTREAM: upstream.url });
    const payload = { ...demoPermitPayload(new Date()), permitId: `SE-ACTIVITY-${Date.now().toString(36)}` };
    namespace = await pushDevPermit(stack.appUrl, payload);
    alice = await stack.signIn("alice");
    origin = (await openWorkspace(alice, stack.appUrl, namespace)).origin;
  });
  afterAll(async () => {
    await stack.stop();
    await upstream.close();
  });

  /** alice's entries, oldest first, once `count` are written. */
  const aliceEntries = (count: number) =>
    eventually(`${count} entries are recorded`, async () => {
      const { entries } = await activityTimeline(stack.services.database.db, {
        namespace,
        subject: "alice",
        limit: 100,
      });
      return entries.length >= count ? entries.reverse() : undefined;
    });

  it("records the code of each execute_request alice sends in JupyterLab's binary protocol, relaying every frame unchanged", async () => {
    const kernel = await openSocket(alice, origin, "/api/kernels/k-1/channels?session_id=s-1", [KERNEL_V1_PROTOCOL]);
    expect(kernel.protocol).toBe(KERNEL_V1_PROTOCOL);
    const send = (frame: Buffer) => {
      sent.push(frame);
      kernel.send(frame, { binary: true });
    };
    send(encodeV1(kernelMessage("kernel_info_request", {})));
    expect(decodeV1(await nextMessage(kernel)).header.msg_type).toBe("kernel_info_reply");
    const execute = encodeV1(kernelMessage("execute_request", { code: "1+1", silent: false }));
    send(execute);
    expect(decodeV1(await nextMessage(kernel)).header.msg_type).toBe("execute_reply");
    // The same kind of frame sent in two WebSocket fragments, and then a frame of garbage.
    const fragmented = encodeV1(
      kernelMessage("execute_request", { code: "import pandas as pd\npd.read_parquet('/data')" }),
    );
    sent.push(fragmented);
    kernel.send(fragmented.subarray(0, 50), { binary: true, fin: false });
    kernel.send(fragmented.subarray(50), { binary: true, fin: true });
    expect(decodeV1(await nextMessage(kernel)).header.msg_type).toBe("execute_reply");
    send(Buffer.from("not a kernel frame"));
    await eventually("the upstream has every frame", async () => upstream.received.length >= sent.length);
    expect(upstream.received.map((r) => r.data)).toEqual(sent);
    await closed(kernel);

    const entries = await aliceEntries(3);
    expect(entries.map((e) => e.kind)).toEqual(["code.executed", "code.executed", "frames.unparsed"]);
    expect(entries[0]).toMatchObject({
      subject: "alice",
      namespace,
      details: {
        kernel: "k-1",
        language: "python",
        code: "1+1",
        bytes: 3,
        sha256: createHash("sha256").update("1+1").digest("hex"),
      },
    });
    expect(entries[1]!.details.code).toBe("import pandas as pd\npd.read_parquet('/data')");
    expect(entries[2]!.details).toMatchObject({ kernel: "k-1", frames: 1 });
  });

  it("records execute_requests in the legacy JSON protocol too", async () => {
    const kernel = await openSocket(alice, origin, "/api/kernels/k-2/channels");
    expect(kernel.protocol).toBe("");
    kernel.send(encodeJson(kernelMessage("kernel_info_request", {})));
    await nextMessage(kernel);
    kernel.send(encodeJson(kernelMessage("execute_request", { code: "print('hej')" })));
    await nextMessage(kernel);
    await closed(kernel);
    const entries = await aliceEntries(4);
    expect(entries.at(-1)).toMatchObject({
      kind: "code.executed",
      details: { kernel: "k-2", language: "python", code: "print('hej')" },
    });
  });

  it("records terminals opened and closed", async () => {
    const terminal = await openSocket(alice, origin, "/terminals/websocket/1");
    terminal.send(JSON.stringify(["stdin", "ls /data\r"]));
    await nextMessage(terminal);
    await closed(terminal);
    const entries = await aliceEntries(6);
    expect(entries.slice(-2).map((e) => [e.kind, e.details])).toEqual([
      ["terminal.opened", { name: "1" }],
      ["terminal.closed", { name: "1" }],
    ]);
  });

  it("records files opened and saved through the file API, not folders listed, and refused transfers", async () => {
    const notebook = await alice.request(`${origin}/api/contents/work/analys%201.ipynb?type=notebook&content=1`);
    expect(((await notebook.json()) as { size: number }).size).toBe(4321);
    await (await alice.request(`${origin}/api/contents/work/?content=1`)).text();
    await (await alice.request(`${origin}/api/contents/work/x.csv?content=0`)).text();
    const save = await alice.request(`${origin}/api/contents/outbox/table.csv`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "file", format: "text", content: "a;b\n1;2\n" }),
    });
    expect(save.status).toBe(201);
    const refused = await alice.request(`${origin}/files/work/x.csv?download=1`);
    expect(refused.status).toBe(403);
    const entries = await aliceEntries(9);
    expect(entries.slice(-3).map((e: TimelineEntry) => [e.kind, e.details])).toEqual([
      ["file.opened", { path: "work/analys 1.ipynb", size: 4321, type: "notebook" }],
      ["file.saved", { path: "outbox/table.csv", size: 4321, type: "file" }],
      ["transfer.refused", { route: "files", method: "GET", path: "/files/work/x.csv" }],
    ]);
    expect(await verifyActivityChain(stack.services.database.db)).toMatchObject({ intact: true });
  });
});
