// The class, not single kinds: every namespaced kind the real API server stores is either one the reconciler
// removes from environments when someone else made it (FOREIGN_KINDS) or one it leaves alone for a stated
// reason. A Kubernetes upgrade that adds a kind fails this until the kind is placed.
import { get, type RequestOptions } from "node:https";
import * as k8s from "@kubernetes/client-node";
import { describe, expect, inject, it } from "vitest";
import { FOREIGN_KINDS, FOREIGN_KINDS_LEFT_ALONE } from "./managed-kinds";

async function discovery<T>(kc: k8s.KubeConfig, path: string): Promise<T> {
  const options: RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) =>
    get(new URL(path, kc.getCurrentCluster()!.server), options, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(body) as T) : reject(new Error(body))));
    }).on("error", reject),
  );
}

/** Every namespaced resource the API server stores that can be made, as group/plural, each in its preferred version. */
async function namespacedResources(kc: k8s.KubeConfig): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const groups = await discovery<k8s.V1APIGroupList>(kc, "/apis");
  const lists = [
    { group: "", path: "/api/v1" },
    ...groups.groups.map((g) => ({ group: g.name, path: `/apis/${g.preferredVersion!.groupVersion}` })),
  ];
  for (const { group, path } of lists) {
    const list = await discovery<k8s.V1APIResourceList>(kc, path);
    for (const r of list.resources)
      if (r.namespaced && !r.name.includes("/") && r.verbs.includes("create"))
        found.set(`${group}/${r.name}`, `${list.groupVersion} ${r.kind}`);
  }
  return found;
}

const resourceOf = (kind: (typeof FOREIGN_KINDS)[number]) =>
  `${kind.apiVersion.includes("/") ? kind.apiVersion.split("/")[0] : ""}/${kind.path.split("/").at(-1)}`;

describe("the kinds the reconciler removes from environments when someone else made them", () => {
  it("are every namespaced kind of the real API server but those left alone for a stated reason", async () => {
    const admin = new k8s.KubeConfig();
    admin.loadFromFile(inject("kubeconfig"));
    const served = await namespacedResources(admin);
    const removed = new Set(FOREIGN_KINDS.map(resourceOf));
    const unplaced = [...served.keys()].filter((r) => !removed.has(r) && !(r in FOREIGN_KINDS_LEFT_ALONE));
    expect(unplaced, "namespaced kinds neither removed nor left alone with a reason").toEqual([]);
    for (const reason of Object.values(FOREIGN_KINDS_LEFT_ALONE)) expect(reason.length).toBeGreaterThan(20);
    // And every kind it removes exists there, in the version it lists (a typo would watch nothing).
    for (const kind of FOREIGN_KINDS)
      expect(served.get(resourceOf(kind)), resourceOf(kind)).toBe(`${kind.apiVersion} ${kind.kind}`);
  });
});
