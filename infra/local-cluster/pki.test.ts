import { X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createClusterPki, IDENTITIES, type ClusterPki } from "./pki";

describe("createClusterPki", () => {
  let pki: ClusterPki;
  let ca: X509Certificate;
  beforeAll(async () => {
    pki = await createClusterPki(1);
    ca = new X509Certificate(pki.ca.cert);
  });

  it("makes a CA that signs itself and may sign only leaf certificates", () => {
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
  });

  it.each([
    ["admin", IDENTITIES.admin, "CN=spe-admin\nO=system:masters"],
    ["orchestrator", IDENTITIES.orchestrator, "CN=spe-orchestrator"],
    ["controllerManager", IDENTITIES.controllerManager, "CN=system:kube-controller-manager"],
    ["kubelet", IDENTITIES.kubelet, "CN=system:node:spe-local-node\nO=system:nodes"],
  ] as const)(
    "issues the %s client certificate under the CA with the right user and groups",
    (key, _identity, subject) => {
      const cert = new X509Certificate(pki[key].cert);
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(cert.checkIssued(ca)).toBe(true);
      expect(cert.subject).toBe(subject);
      expect(cert.ca).toBe(false);
      expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);
      // The key in the pair belongs to the certificate.
      expect(createPublicKey(createPrivateKey(pki[key].key)).export({ format: "jwk" })).toEqual(
        cert.publicKey.export({ format: "jwk" }),
      );
    },
  );

  it("issues a serving certificate valid for 127.0.0.1 and localhost only, for server authentication", () => {
    const cert = new X509Certificate(pki.apiServer.cert);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(cert.checkHost("localhost")).toBe("localhost");
    expect(cert.checkHost("example.com")).toBeUndefined();
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
  });

  it("makes fresh keys every time", async () => {
    const other = await createClusterPki(1);
    expect(other.ca.key).not.toBe(pki.ca.key);
    expect(other.serviceAccount.privateKey).not.toBe(pki.serviceAccount.privateKey);
  });
});
