import { createHmac, hkdfSync } from "node:crypto";
import { secureContext } from "../auth/session-cookie";

/** A label of a workspace host: 128 bits of a keyed hash, in hex (a DNS label of 32 characters). */
const LABEL = /^[0-9a-f]{32}$/;

/** What a request's Host header names: the UI's own host, or a host under the workspace domain. */
export type HostKind = { kind: "ui" } | { kind: "workspace"; label: string | undefined };

/**
 * Where workspaces are served: each person's workspace of an environment on a host of its own under the
 * workspace domain (`<label>.<domain>`), so that nothing a workspace serves shares an origin, or a host for
 * cookies, with the UI or with another workspace. The label is HMAC-SHA-256 under a key of the installation
 * over (environment, person): opaque (it names no permit and no person, and nobody without the key can tell
 * whose it is), stable while the key is, and computed where it is needed, so nothing has to be stored to
 * find it. Keyed by person already, so that per-person workspaces change nothing here.
 */
export interface WorkspaceHosts {
  readonly domain: string;
  /** The label of a person's workspace host in an environment. */
  labelOf(namespace: string, subject: string): string;
  /** The origin (scheme, host, port) of a workspace host: the UI's scheme and port, the label's host. */
  originOf(label: string): string;
  /** Whether a Host header names the UI (or anything else) or a host under the workspace domain. */
  classify(hostHeader: string | undefined): HostKind;
  /** Whether cookies on workspace hosts may be `Secure` (and so `__Host-`): https, or `*.localhost`. */
  readonly secureCookies: boolean;
}

/** The host-naming key, derived from the installation's cookie secret (the same on every replica). */
export function workspaceHostKey(cookieSecret: Buffer | string): Buffer {
  const secret = typeof cookieSecret === "string" ? Buffer.from(cookieSecret, "hex") : cookieSecret;
  return Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), "spe workspace hosts", 32));
}

const hostnameOf = (hostHeader: string) => hostHeader.toLowerCase().replace(/:\d+$/, "").replace(/\.$/, "");

export function workspaceHosts(options: { publicUrl: string; domain: string; key: Buffer }): WorkspaceHosts {
  const url = new URL(options.publicUrl);
  const domain = options.domain.toLowerCase();
  const suffix = `.${domain}`;
  const port = url.port ? `:${url.port}` : "";
  return {
    domain,
    secureCookies: secureContext(url.protocol, domain),
    labelOf: (namespace, subject) =>
      createHmac("sha256", options.key)
        .update(JSON.stringify([namespace, subject]))
        .digest("hex")
        .slice(0, 32),
    originOf: (label) => `${url.protocol}//${label}${suffix}${port}`,
    classify(hostHeader) {
      const hostname = hostnameOf(hostHeader ?? "");
      if (hostname !== domain && !hostname.endsWith(suffix)) return { kind: "ui" };
      const label = hostname.slice(0, -suffix.length);
      return { kind: "workspace", label: LABEL.test(label) ? label : undefined };
    },
  };
}
