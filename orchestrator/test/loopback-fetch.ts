import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { Agent, request, fetch as undiciFetch } from "undici";

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Resolves `localhost` and every `*.localhost` name to 127.0.0.1, as browsers do without asking DNS (the
 * workspace hosts of a local run); anything else as usual. Node's own resolver knows only `localhost`.
 */
export function loopbackLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  if (hostname === "localhost" || hostname.endsWith(".localhost")) {
    if (options.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
    else callback(null, "127.0.0.1", 4);
    return;
  }
  dnsLookup(hostname, options, callback as never);
}

const agent = new Agent({ connect: { lookup: loopbackLookup as never } });

/** fetch that reaches `*.localhost` hosts on loopback (see loopbackLookup). */
export const loopbackFetch = (url: string, init: RequestInit = {}): Promise<Response> =>
  undiciFetch(url, { ...(init as object), dispatcher: agent }) as unknown as Promise<Response>;

/**
 * One request exactly as given, on loopback for `*.localhost`: unlike fetch, it adds no header of its own
 * (fetch always says `Sec-Fetch-Mode: cors`), so a test can send what a browser sends for a page load.
 */
export async function loopbackRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string }> {
  const res = await request(url, {
    method: (options.method ?? "GET") as never,
    headers: options.headers,
    dispatcher: agent,
  });
  return { status: res.statusCode, body: await res.body.text() };
}
