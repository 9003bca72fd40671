import type { V1PersistentVolumeClaim } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { keptHomes } from "./kept-homes";

const home = (person: string, created: string): V1PersistentVolumeClaim => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: {
    name: `home-${person}`,
    creationTimestamp: new Date(created),
    labels: { "app.kubernetes.io/component": "home", "spe.ehds.eu/person": person },
  },
  spec: { resources: { requests: { storage: "5Gi" } } },
});
const alice = { id: "alice", token: "t" };

describe("keptHomes", () => {
  const claims = [home("alice", "2026-01-01T00:00:00Z"), home("bob", "2026-01-01T00:00:00Z")];

  it.each([
    ["no deletion: a departed person's home is kept", [], ["home-bob"]],
    ["a deletion asked after the home was made removes it", [{ id: "bob", requestedAt: "2026-02-01T00:00:00Z" }], []],
    [
      "a home made after the deletion was asked is another one, and kept",
      [{ id: "bob", requestedAt: "2025-12-01T00:00:00Z" }],
      ["home-bob"],
    ],
    [
      "a deletion never touches a current person's home",
      [{ id: "alice", requestedAt: "2026-02-01T00:00:00Z" }],
      ["home-bob"],
    ],
  ])("%s", (_, deleted, kept) => {
    expect(keptHomes(claims, [alice], deleted).map((h) => h.name)).toEqual(kept);
  });
});
