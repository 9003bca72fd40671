import { describe, expect, it } from "vitest";
import { environmentEventId, instantOfEventId } from "./environment-event-id";

describe("environment event ids", () => {
  it("round-trips the instant of a row's write", () => {
    const at = new Date("2026-11-23T01:02:03.456Z");
    expect(environmentEventId(at, "spe-se-demo-1")).toBe("2026-11-23T01:02:03.456Z/spe-se-demo-1");
    expect(instantOfEventId(environmentEventId(at, "spe-se-demo-1"))).toEqual(at);
  });

  it.each([
    [undefined],
    [null],
    [""],
    ["2026-11-23T01:02:03.456Z"],
    ["2026-11-23T01:02:03.456Z/kube-system"],
    ["2026-13-45T01:02:03.456Z/spe-x"],
    ["yesterday/spe-x"],
    ["2026-11-23T01:02:03.456Z/spe-x/../y"],
  ])("ignores %s: the stream then starts from now", (id) => {
    expect(instantOfEventId(id)).toBeUndefined();
  });
});
