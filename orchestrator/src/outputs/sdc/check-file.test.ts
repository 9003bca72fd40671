import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkOutputFile } from "./check-file";
import { loadSdcProfile } from "./profile";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("checkOutputFile", () => {
  it("reads a file by path and reports the combined status, the profile and the type", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "spe-sdc-")), "table.csv");
    writeFileSync(path, "region,count\nA,12\nB,10\n");
    expect(await checkOutputFile({ path, type: "frequency", profile: "default" })).toMatchObject({
      status: "pass",
      type: "frequency",
      profile: "default",
      checks: [
        { name: "threshold", status: "pass", message: "Every count is at least 10." },
        { name: "zeros", status: "pass", message: "No zero cells." },
        { name: "formula-cells", status: "pass" },
      ],
      cells: [],
    });
  });

  it("any fail → fail, else any review → review", async () => {
    const failAndReview = await checkOutputFile({
      bytes: bytes("region,count\nA,3\nB,NA\n"),
      type: "frequency",
      profile: "default",
    });
    expect(failAndReview.status).toBe("fail");
    const reviewOnly = await checkOutputFile({
      bytes: bytes("region,count\nA,30\nB,NA\n"),
      type: "frequency",
      profile: "default",
    });
    expect(reviewOnly.status).toBe("review");
  });

  it("takes a profile object and a count column", async () => {
    const profile = {
      ...loadSdcProfile("default"),
      name: "strict",
      frequency: { ...loadSdcProfile("default").frequency, threshold: 50 },
    };
    const report = await checkOutputFile({
      bytes: bytes("region,patients\nA,30\n"),
      type: "frequency",
      profile,
      countColumn: "patients",
    });
    expect(report).toMatchObject({ status: "fail", profile: "strict", cells: [{ row: 1, column: "patients" }] });
  });

  it.each(["figure", "code", "text", "other"] as const)("a %s file goes to a person", async (type) => {
    const report = await checkOutputFile({ bytes: bytes("anything"), type, profile: "default" });
    expect(report).toMatchObject({
      status: "review",
      type,
      profile: "default",
      checks: [
        { name: "manual-review", status: "review", message: expect.stringContaining("not checked automatically") },
      ],
      cells: [],
    });
  });

  it("magnitude without dominance columns is review", async () => {
    expect(
      (await checkOutputFile({ bytes: bytes("g,value,n\na,100,20\n"), type: "magnitude", profile: "default" })).status,
    ).toBe("review");
  });

  it("throws OUTPUT_FILE_UNREADABLE for a table that is not CSV, and SDC_PROFILE_NOT_FOUND for an unknown profile", async () => {
    await expect(
      checkOutputFile({ bytes: bytes('a,b\n"1,2\n'), type: "frequency", profile: "default" }),
    ).rejects.toMatchObject({ code: "OUTPUT_FILE_UNREADABLE" });
    await expect(
      checkOutputFile({
        bytes: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0xff]),
        type: "magnitude",
        profile: "default",
      }),
    ).rejects.toMatchObject({ code: "OUTPUT_FILE_UNREADABLE" });
    await expect(
      checkOutputFile({ bytes: bytes("a,count\n1,10\n"), type: "frequency", profile: "lenient" }),
    ).rejects.toMatchObject({ code: "SDC_PROFILE_NOT_FOUND" });
  });
});
