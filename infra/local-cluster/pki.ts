// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { webcrypto } from "node:crypto";

// @peculiar/x509 uses globalThis.crypto, which is Node's webcrypto since Node 19.

const ecdsa = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;

export interface Pem {
  cert: string;
  key: string;
}

/** Every certificate and key one local control plane needs, freshly made for each start. */
export interface ClusterPki {
  ca: Pem;
  apiServer: Pem;
  admin: Pem;
  orchestrator: Pem;
  controllerManager: Pem;
  /** The local node's kubelet, as the Node authorizer knows nodes. */
  kubelet: Pem;
  /** Signs and verifies service account tokens. */
  serviceAccount: { publicKey: string; privateKey: string };
}

/** The one node a local cluster gets (infra/local-node). */
export const LOCAL_NODE_NAME = "spe-local-node";

/** The client identities the API server will see: CN is the user name, O the groups. */
export const IDENTITIES = {
  admin: { user: "spe-admin", groups: ["system:masters"] },
  orchestrator: { user: "spe-orchestrator", groups: [] as string[] },
  controllerManager: { user: "system:kube-controller-manager", groups: [] as string[] },
  // The Node authorizer gives this identity only what its own node needs: the secrets, config maps and
  // volumes of pods bound to it, and (with NodeRestriction) only its own Node object and pods' status.
  kubelet: { user: `system:node:${LOCAL_NODE_NAME}`, groups: ["system:nodes"] },
} as const;

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

async function newKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ecdsa, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
}

async function privatePem(keys: webcrypto.CryptoKeyPair): Promise<string> {
  return toPem(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey), "PRIVATE KEY");
}

function distinguishedName(commonName: string, organisations: readonly string[] = []): string {
  const escape = (v: string) => v.replace(/([,+"\\<>;=])/g, "\\$1");
  return [`CN=${escape(commonName)}`, ...organisations.map((o) => `O=${escape(o)}`)].join(", ");
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
    .toString("hex")
    .replace(/^[89a-f]/, "1");
}

async function issue(
  ca: { cert: x509.X509Certificate; keys: webcrypto.CryptoKeyPair },
  subject: string,
  extensions: x509.Extension[],
  validDays: number,
): Promise<Pem> {
  const keys = await newKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: ca.cert.subject,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + validDays * DAY_MS),
    signingAlgorithm: ecdsa,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false),
      ...extensions,
    ],
  });
  return { cert: cert.toString("pem") + "\n", key: await privatePem(keys) };
}

async function clientCert(
  ca: { cert: x509.X509Certificate; keys: webcrypto.CryptoKeyPair },
  identity: { user: string; groups: readonly string[] },
  validDays: number,
): Promise<Pem> {
  const usage = new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true);
  const eku = new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]);
  return issue(ca, distinguishedName(identity.user, identity.groups), [usage, eku], validDays);
}

/** Makes a CA, a serving certificate for 127.0.0.1, client certificates and a service-account key pair. */
export async function createClusterPki(validDays = 30): Promise<ClusterPki> {
  const caKeys = await newKeys();
  const now = Date.now();
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: distinguishedName("spe-local-cluster-ca"),
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + validDays * DAY_MS),
    keys: caKeys,
    signingAlgorithm: ecdsa,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const ca = { cert: caCert, keys: caKeys };

  const serving = await issue(
    ca,
    distinguishedName("kube-apiserver"),
    [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: "ip", value: "127.0.0.1" },
        { type: "dns", value: "localhost" },
        { type: "dns", value: "kubernetes.default.svc" },
      ]),
    ],
    validDays,
  );

  const saKeys = await newKeys();
  return {
    ca: { cert: caCert.toString("pem") + "\n", key: await privatePem(caKeys) },
    apiServer: serving,
    admin: await clientCert(ca, IDENTITIES.admin, validDays),
    orchestrator: await clientCert(ca, IDENTITIES.orchestrator, validDays),
    controllerManager: await clientCert(ca, IDENTITIES.controllerManager, validDays),
    kubelet: await clientCert(ca, IDENTITIES.kubelet, validDays),
    serviceAccount: {
      publicKey: toPem(await webcrypto.subtle.exportKey("spki", saKeys.publicKey), "PUBLIC KEY"),
      privateKey: await privatePem(saKeys),
    },
  };
}
