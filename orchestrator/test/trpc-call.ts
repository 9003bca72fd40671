import type { CookieClient } from "./cookie-client";

export interface TrpcAnswer {
  status: number;
  data?: unknown;
  error?: {
    message: string;
    data: { code: string; speCode?: string; stack?: string; issues?: Array<{ path: string; message: string }> };
  };
}

/** Calls one tRPC procedure over HTTP as the browser does (same origin, the client's cookies). */
export async function callTrpc(
  client: CookieClient,
  appUrl: string,
  path: string,
  input?: unknown,
  method: "GET" | "POST" = "POST",
): Promise<TrpcAnswer> {
  const url =
    `${appUrl}/trpc/${path}` +
    (method === "GET" && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : "");
  const init =
    method === "POST"
      ? { method, headers: { "content-type": "application/json", origin: appUrl }, body: JSON.stringify(input) }
      : {};
  const res = await client.request(url, init);
  const body = (await res.json()) as { result?: { data: unknown }; error?: TrpcAnswer["error"] };
  return { status: res.status, data: body.result?.data, error: body.error };
}
