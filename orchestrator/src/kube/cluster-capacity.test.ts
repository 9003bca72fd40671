import * as k8s from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { summariseCapacity } from "./cluster-capacity";

const node = (name: string, ready: boolean, unschedulable = false): k8s.V1Node => ({
  metadata: { name },
  spec: { unschedulable },
  status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
});
const usage = (cpu: [number, number], memory: [number | bigint, number | bigint]) => [
  new k8s.ResourceUsage(cpu[0], cpu[1], 0),
  new k8s.ResourceUsage(memory[0], memory[1], 0),
];
const GiB = 1024 ** 3;

describe("summariseCapacity", () => {
  it("lists every node by name and sums only those that could take a new pod", () => {
    const statuses = [
      new k8s.NodeStatus(node("b-worker", true), ...(usage([4, 1.5], [16 * GiB, 4 * GiB]) as [never, never])),
      new k8s.NodeStatus(node("a-cordoned", true, true), ...(usage([2, 0], [8 * GiB, 0]) as [never, never])),
      new k8s.NodeStatus(node("c-down", false), ...(usage([2, 0.5], [BigInt(8 * GiB), BigInt(GiB)]) as [never, never])),
    ];
    const capacity = summariseCapacity(statuses);
    expect(capacity.nodes.map((n) => [n.name, n.ready, n.schedulable])).toEqual([
      ["a-cordoned", true, false],
      ["b-worker", true, true],
      ["c-down", false, true],
    ]);
    expect(capacity.nodes[2]!.memory).toEqual({ allocatable: 8 * GiB, requested: GiB });
    expect(capacity.usable).toEqual({
      nodes: 1,
      cpu: { allocatable: 4, requested: 1.5 },
      memory: { allocatable: 16 * GiB, requested: 4 * GiB },
    });
  });

  it("says a cluster without nodes has nothing to offer", () => {
    expect(summariseCapacity([])).toEqual({
      nodes: [],
      usable: { nodes: 0, cpu: { allocatable: 0, requested: 0 }, memory: { allocatable: 0, requested: 0 } },
    });
  });
});
