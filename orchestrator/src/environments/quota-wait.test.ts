import type * as k8s from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { objectKey } from "../kube/managed-kinds";
import { quotaWait, resumeAfterQuotaWait } from "./quota-wait";

const namespace = "spe-env";
const hard = { pods: "3", services: "2" };
const ns: k8s.KubernetesObject = { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } };
const policy = {
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: "deny-all", namespace },
  spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
};
const quota = { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "environment", namespace }, spec: { hard } };
const claim = { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "project", namespace }, spec: {} };
const waves = [[ns], [policy, quota], [claim]];
const since = new Date("2026-12-07T12:00:00Z");
/** The API server's answers: what was sent, with what it adds (a quota without usage yet). */
const answers = [ns, { ...policy, metadata: { ...policy.metadata, uid: "1" } }, { ...quota, status: {} }];
const waiting = quotaWait(waves.slice(0, 2), answers, since);
const counted = { ...quota, status: { hard, used: { pods: "0", services: "0" } } };
const everySeen = new Set(answers.map(objectKey));

describe("resumeAfterQuotaWait", () => {
  it("goes on after the waves applied before the wait once the quota counts, taking the objects as cached", () => {
    const cached = [ns, answers[1]!, counted];
    expect(resumeAfterQuotaWait(waiting, waves, cached, everySeen)).toEqual({
      waves: 2,
      applied: [ns, answers[1], counted],
      uncountedSince: undefined,
    });
  });

  it("says since when the quota has been waited for while it still counts nothing", () => {
    expect(resumeAfterQuotaWait(waiting, waves, answers, everySeen)?.uncountedSince).toEqual(since);
  });

  it("takes an object the watch has not brought yet as the API server answered it", () => {
    expect(resumeAfterQuotaWait(waiting, waves, [ns, counted], everySeen)?.applied).toEqual([ns, answers[1], counted]);
  });

  it.each([
    ["nothing was awaited", undefined, waves, answers, everySeen],
    [
      "the objects wanted changed (an amended permit)",
      waiting,
      [[ns], [policy, { ...quota, spec: { hard: { ...hard, pods: "4" } } }], [claim]],
      answers,
      everySeen,
    ],
    [
      "someone changed an object",
      waiting,
      waves,
      [ns, { ...policy, spec: { ...policy.spec, ingress: [{}] } }, counted],
      everySeen,
    ],
    ["the watch saw an object deleted", waiting, waves, [ns, counted], new Set([objectKey(ns), objectKey(quota)])],
  ])("applies every wave again when %s", (_case, wait, wanted, cached, seen) => {
    expect(resumeAfterQuotaWait(wait, wanted, cached, seen)).toBeUndefined();
  });
});
