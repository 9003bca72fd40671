import { describe, expect, it } from "vitest";
import { secureContext } from "../auth/session-cookie";
import { workspaceHostKey, workspaceHosts } from "./workspace-hosts";

const key = workspaceHostKey(Buffer.alloc(32, 1));
const local = workspaceHosts({ publicUrl: "http://localhost:8080", domain: "ws.localhost", key });

describe("workspace hosts", () => {
  it("names each person's workspace of an environment by an opaque label of its own", () => {
    const label = local.labelOf("spe-demo-hdab-2026-0001-abc", "alice");
    expect(label).toMatch(/^[0-9a-f]{32}$/);
    // Neither the permit, the namespace nor the person can be read from it.
    expect(label).not.toMatch(/demo|hdab|alice|spe/);
    expect(local.labelOf("spe-demo-hdab-2026-0001-abc", "alice")).toBe(label);
    expect(local.labelOf("spe-demo-hdab-2026-0001-abc", "bob")).not.toBe(label);
    expect(local.labelOf("spe-other-1", "alice")).not.toBe(label);
    // No ambiguity between (namespace, subject) pairs that concatenate alike.
    expect(local.labelOf("spe-a", "b\nc")).not.toBe(local.labelOf("spe-a\nb", "c"));
    // Another installation's key names other hosts.
    const other = workspaceHosts({
      publicUrl: "http://localhost:8080",
      domain: "ws.localhost",
      key: workspaceHostKey(Buffer.alloc(32, 2)),
    });
    expect(other.labelOf("spe-demo-hdab-2026-0001-abc", "alice")).not.toBe(label);
  });

  it("serves a label under the workspace domain with the UI's scheme and port", () => {
    expect(local.originOf("0".repeat(32))).toBe(`http://${"0".repeat(32)}.ws.localhost:8080`);
    const prod = workspaceHosts({ publicUrl: "https://spe.scb.example", domain: "spe-ws.example", key });
    expect(prod.originOf("ab".repeat(16))).toBe(`https://${"ab".repeat(16)}.spe-ws.example`);
  });

  it.each([
    ["localhost:8080", { kind: "ui" }],
    ["127.0.0.1:8080", { kind: "ui" }],
    [undefined, { kind: "ui" }],
    ["ws.localhost:8080", { kind: "workspace", label: undefined }],
    [`${"a".repeat(32)}.ws.localhost:8080`, { kind: "workspace", label: "a".repeat(32) }],
    [`${"A".repeat(32)}.WS.LOCALHOST.`, { kind: "workspace", label: "a".repeat(32) }],
    [`x.${"a".repeat(32)}.ws.localhost`, { kind: "workspace", label: undefined }],
    ["evil.ws.localhost", { kind: "workspace", label: undefined }],
    ["ws.localhost.evil.example", { kind: "ui" }],
    ["xws.localhost", { kind: "ui" }],
  ])("reads Host %s as %o", (host, kind) => {
    expect(local.classify(host)).toEqual(kind);
  });

  it("keeps Secure (and __Host-) cookies where browsers do: https, and *.localhost over http", () => {
    expect(secureContext("https:", "spe.example")).toBe(true);
    expect(secureContext("http:", "localhost")).toBe(true);
    expect(secureContext("http:", "a.ws.localhost")).toBe(true);
    expect(secureContext("http:", "spe.example")).toBe(false);
    expect(local.secureCookies).toBe(true);
  });
});
