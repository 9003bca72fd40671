import { createHmac, hkdfSync } from "node:crypto";

/**
 * Who a workspace belongs to, as Kubernetes may see it, and the credential of its tool server. A person's
 * workspace in an environment is named by an opaque id: HMAC-SHA-256 over (environment, subject) under a key
 * of the installation, so that no personal identity number, e-mail or subject ever becomes a Kubernetes
 * name, label or annotation, and nobody without the key can tell whose a pod is; the same while the key is.
 * The tool server's credential is a second HMAC over (environment, id) under another key: the gateway
 * computes it for every request it relays and nothing has to be stored.
 */
export interface WorkspaceIdentities {
  /** The opaque id of a person's workspace in an environment: 20 hex characters, part of Kubernetes names. */
  personIdOf(namespace: string, subject: string): string;
  /** The credential the gateway presents to that workspace's tool server, and only it. */
  tokenOf(namespace: string, personId: string): string;
  /** The credential that workspace's pip presents to the package mirror: it says whose install a file is for. */
  mirrorTokenOf(namespace: string, personId: string): string;
}

/** Both keys, derived from the installation's cookie secret (the same on every replica), each for its use. */
export function workspaceIdentities(cookieSecret: Buffer | string): WorkspaceIdentities {
  const secret = typeof cookieSecret === "string" ? Buffer.from(cookieSecret, "hex") : cookieSecret;
  const key = (info: string) => Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), info, 32));
  const personKey = key("spe workspace persons");
  const tokenKey = key("spe workspace tokens");
  const mirrorKey = key("spe package mirror");
  const mac = (k: Buffer, parts: string[]) => createHmac("sha256", k).update(JSON.stringify(parts)).digest("hex");
  return {
    personIdOf: (namespace, subject) => mac(personKey, [namespace, subject]).slice(0, 20),
    tokenOf: (namespace, personId) => mac(tokenKey, [namespace, personId]),
    mirrorTokenOf: (namespace, personId) => mac(mirrorKey, [namespace, personId]),
  };
}
