import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { HealthReport } from "../http/health";

/**
 * Serves GET /metrics on a listener of its own, apart from the users' port: the scraper reaches it where the
 * operators put it (loopback by default) and no user of the web UI or API can read it. GET /healthz there is
 * the operators' health, in detail (nodes, capacity), for their probes and dashboards.
 */
export async function serveMetrics(
  registry: Registry,
  { host, port }: { host: string; port: number },
  health?: () => Promise<{ report: HealthReport }>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    // Compared as text, not parsed: a request line URL would refuse (`http://[/`) must not throw here.
    const path = (req.url ?? "").split("?")[0];
    if (path === "/healthz" && health && req.method === "GET")
      return void health().then(
        ({ report }) =>
          res
            .writeHead(report.status === "ok" ? 200 : 503, { "content-type": "application/json" })
            .end(JSON.stringify(report)),
        (err: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(`${err.message}\n`),
      );
    if (path !== "/metrics")
      return res
        .writeHead(404, { "content-type": "text/plain" })
        .end(`Only /metrics${health ? " and /healthz are" : " is"} served here.\n`);
    if (req.method !== "GET" && req.method !== "HEAD")
      return res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("GET /metrics\n");
    registry.metrics().then(
      (text) =>
        res.writeHead(200, { "content-type": registry.contentType }).end(req.method === "HEAD" ? undefined : text),
      (err: Error) =>
        res.writeHead(500, { "content-type": "text/plain" }).end(`Could not collect the metrics: ${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
