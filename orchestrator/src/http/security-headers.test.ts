import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { WORKSPACE_HOST_PREFIX } from "../gateway/host-dispatch";
import { CONTENT_SECURITY_POLICY, registerSecurityHeaders } from "./security-headers";

async function appAt(publicUrl: string) {
  const app = Fastify();
  registerSecurityHeaders(app, publicUrl);
  app.get("/page", (_req, reply) => reply.type("text/html; charset=utf-8").send("<!doctype html><p>hi"));
  app.get("/data", async () => ({ ok: true }));
  app.get("/file", (_req, reply) =>
    reply.type("text/html").header("content-security-policy", "default-src 'none'; sandbox").send("<p>inert"),
  );
  app.get(`${WORKSPACE_HOST_PREFIX}/lab`, (_req, reply) => reply.type("text/html").send("<p>a tool's page"));
  app.get("/framed", (_req, reply) =>
    reply.type("text/html").header("content-security-policy", "frame-ancestors 'none'").send("<p>ours"),
  );
  await app.ready();
  return app;
}

describe("security headers", () => {
  it("give every HTML page of ours the CSP with frame-ancestors 'none', nosniff and a referrer policy", async () => {
    const app = await appAt("http://localhost:8080");
    const page = await app.inject("/page");
    expect(page.headers).toMatchObject({
      "content-security-policy": CONTENT_SECURITY_POLICY,
      "x-frame-options": "DENY",
      "x-content-type-options": "nosniff",
      "referrer-policy": "same-origin",
    });
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(page.headers["strict-transport-security"]).toBeUndefined();
    const data = await app.inject("/data");
    expect(data.headers["x-content-type-options"]).toBe("nosniff");
    expect(data.headers["content-security-policy"]).toBeUndefined();
    await app.close();
  });

  it("add HSTS when people reach us over https, and keep an answer's own stricter policy", async () => {
    const app = await appAt("https://spe.example.se");
    expect((await app.inject("/data")).headers["strict-transport-security"]).toBe(
      "max-age=31536000; includeSubDomains",
    );
    expect((await app.inject("/file")).headers["content-security-policy"]).toBe("default-src 'none'; sandbox");
    expect((await app.inject("/framed")).headers["content-security-policy"]).toBe(CONTENT_SECURITY_POLICY);
    await app.close();
  });

  it("leave a workspace's own pages to the gateway", async () => {
    const app = await appAt("https://spe.example.se");
    const tool = await app.inject(`${WORKSPACE_HOST_PREFIX}/lab`);
    expect(tool.headers["content-security-policy"]).toBeUndefined();
    expect(tool.headers["strict-transport-security"]).toBeUndefined();
    await app.close();
  });
});
