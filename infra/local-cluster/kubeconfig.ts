import type { Pem } from "./pki";

const b64 = (s: string) => Buffer.from(s).toString("base64");

/** A kubeconfig (JSON, which kubectl and client-node read as YAML) for one client-certificate user. */
export function kubeconfigFile(server: string, caCert: string, user: string, credentials: Pem): string {
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "spe-local", cluster: { server, "certificate-authority-data": b64(caCert) } }],
    users: [
      {
        name: user,
        user: { "client-certificate-data": b64(credentials.cert), "client-key-data": b64(credentials.key) },
      },
    ],
    contexts: [{ name: `${user}@spe-local`, context: { cluster: "spe-local", user } }],
    "current-context": `${user}@spe-local`,
  };
  return JSON.stringify(config, null, 2) + "\n";
}
