import { describe, expect, it } from "vitest";
import { fingerprint } from "./fingerprint";

describe("fingerprint", () => {
  const policy = {
    kind: "NetworkPolicy",
    metadata: { name: "p", labels: { a: "b" }, resourceVersion: "1", finalizers: [] as string[] },
    spec: { podSelector: {}, ingress: [{ _from: [{ podSelector: {} }] }] },
  };

  it("sees the model's _from and the watch event's from as the same", () => {
    const raw = { ...policy, spec: { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] } };
    expect(fingerprint(raw)).toBe(fingerprint(policy));
  });

  it.each([
    ["a new resourceVersion", { ...policy, metadata: { ...policy.metadata, resourceVersion: "2" } }, true],
    ["a finalizer", { ...policy, metadata: { ...policy.metadata, finalizers: ["x"] } }, true],
    ["an undefined field", { ...policy, spec: { ...policy.spec, egress: undefined } }, true],
    [
      "a controller's annotation",
      { ...policy, metadata: { ...policy.metadata, annotations: { "deployment.kubernetes.io/revision": "1" } } },
      true,
    ],
    ["a changed label", { ...policy, metadata: { ...policy.metadata, labels: { a: "c" } } }, false],
    [
      "a changed annotation of ours",
      { ...policy, metadata: { ...policy.metadata, annotations: { "spe.ehds.eu/permit-id": "X" } } },
      false,
    ],
    ["an added rule", { ...policy, spec: { ...policy.spec, egress: [{}] } }, false],
  ])("%s: same fingerprint is %s", (_name, other, same) => {
    expect(fingerprint(other) === fingerprint(policy)).toBe(same);
  });

  it("counts a quota's usage becoming known and a Deployment's refused pods, not how much is used", () => {
    const quota = { kind: "ResourceQuota", metadata: { name: "q" }, spec: { hard: { pods: "3" } } };
    const counted = { ...quota, status: { hard: { pods: "3" }, used: { pods: "1" } } };
    expect(fingerprint(counted)).not.toBe(fingerprint(quota));
    expect(fingerprint({ ...quota, status: { hard: { pods: "3" }, used: { pods: "2" } } })).toBe(fingerprint(counted));
    const deployment = { kind: "Deployment", metadata: { name: "d" }, spec: {}, status: { conditions: [] } };
    const refused = { ...deployment, status: { conditions: [{ type: "ReplicaFailure", status: "True" }] } };
    expect(fingerprint(refused)).not.toBe(fingerprint(deployment));
  });

  it("sees a new object's first status, with nothing in it that matters, as no change", () => {
    const deployment = { kind: "Deployment", metadata: { name: "d" }, spec: {}, status: {} };
    const progressing = {
      ...deployment,
      status: { replicas: 1, conditions: [{ type: "Progressing", status: "True" }] },
    };
    expect(fingerprint(progressing)).toBe(fingerprint(deployment));
    expect(fingerprint({ ...deployment, status: { availableReplicas: 1 } })).not.toBe(fingerprint(deployment));
    const job = { kind: "Job", metadata: { name: "j" }, spec: {}, status: {} };
    expect(fingerprint({ ...job, status: { active: 1, succeeded: 0 } })).toBe(fingerprint(job));
  });

  it("counts the status fields that feed conditions, and only those", () => {
    const job = { kind: "Job", metadata: { name: "j" }, spec: {}, status: { succeeded: 0, startTime: "t1" } };
    expect(fingerprint({ ...job, status: { succeeded: 0, startTime: "t2" } })).toBe(fingerprint(job));
    expect(fingerprint({ ...job, status: { succeeded: 1, startTime: "t1" } })).not.toBe(fingerprint(job));
  });
});
