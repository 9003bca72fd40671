import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import type { Context } from "./context";
import { controlCharacterAt } from "./plain-text";
import { publicProcedure, router } from "./trpc";

describe("text with control characters", () => {
  it.each([
    ["plain text, tabs and line breaks", { a: "Statiner\toch\r\nstroke", b: ["x", { c: "é ✓" }] }, undefined],
    ["a NUL in a field", { title: "x\u0000y" }, "title"],
    ["an escape deep in a list", { files: [{ path: "a.csv" }, { path: "b\u001b[31m.csv" }] }, "files.1.path"],
    ["DEL in a key", { ["k\u007f"]: "v" }, "k\u007f"],
    ["the input itself", "\u0007", ""],
  ])("%s", (_what, input, at) => {
    expect(controlCharacterAt(input)).toBe(at);
  });

  it("is refused with a 400 that names the field, before the procedure runs", async () => {
    let ran = false;
    const echo = router({
      say: publicProcedure.input(z.object({ text: z.string() })).mutation(({ input }) => {
        ran = true;
        return input.text;
      }),
    });
    const caller = echo.createCaller({} as Context);
    const err = await caller.say({ text: "hej\u0000" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect(err).toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/^TEXT_CONTROL_CHARACTERS: the field text/),
    });
    expect(ran).toBe(false);
    expect(await caller.say({ text: "hej\n" })).toBe("hej\n");
  });
});
