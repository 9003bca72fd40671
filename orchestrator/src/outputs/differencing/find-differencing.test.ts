import { describe, expect, it } from "vitest";
import type { DeclaredTable } from "./declared-table";
import { findDifferencing } from "./find-differencing";

const POPULATION = "first strokes 2015–2024, Region Norrbotten";

/** A table from "dim=value,dim=value:count" lines; "-" is a suppressed count. */
function table(name: string, dimensions: string[], ...cells: string[]): DeclaredTable {
  return {
    name,
    population: POPULATION,
    dimensions,
    rows: cells.map((cell) => {
      const [labels, count] = cell.split(":") as [string, string];
      const categories = Object.fromEntries(labels.split(",").map((pair) => pair.split("=") as [string, string]));
      return { categories, count: count === "-" ? null : Number(count) };
    }),
  };
}

describe("findDifferencing", () => {
  it("flags two one-way tables that each pass but together reveal a count of 3", () => {
    const released = table("age-a.csv", ["age"], "age=0-49:40", "age=50+:60");
    const fresh = table("age-b.csv", ["age"], "age=0-44:37", "age=45+:63");
    expect(findDifferencing(fresh, [released], 10)).toEqual([
      { tables: ["age-b.csv", "age-a.csv"], how: "interval-difference", within: {}, slice: "age 45–49", revealed: 3 },
    ]);
  });

  it("finds the slice within each category of another shared dimension", () => {
    const released = table(
      "a.csv",
      ["sex", "age"],
      "sex=F,age=0-49:40",
      "sex=F,age=50+:60",
      "sex=M,age=0-49:30",
      "sex=M,age=50+:55",
    );
    const fresh = table(
      "b.csv",
      ["sex", "age"],
      "sex=F,age=0-44:36",
      "sex=F,age=45+:64",
      "sex=M,age=0-44:12",
      "sex=M,age=45+:73",
    );
    expect(findDifferencing(fresh, [released], 10).map((f) => [f.within, f.slice, f.revealed])).toEqual([
      [{ sex: "F" }, "age 45–49", 4],
    ]);
  });

  it("marginalises a two-way table against a one-way one", () => {
    const released = table("age.csv", ["age"], "age=0-49:70", "age=50+:115");
    const fresh = table(
      "b.csv",
      ["sex", "age"],
      "sex=F,age=0-47:36",
      "sex=F,age=48+:64",
      "sex=M,age=0-47:32",
      "sex=M,age=48+:53",
    );
    expect(findDifferencing(fresh, [released], 10)).toMatchObject([{ slice: "age 48–49", revealed: 2 }]);
  });

  it.each([
    ["the same bins", table("b.csv", ["age"], "age=0-49:40", "age=50+:60")],
    ["a difference of at least the threshold", table("b.csv", ["age"], "age=0-39:30", "age=40+:70")],
    ["another population", { ...table("b.csv", ["age"], "age=0-44:37", "age=45+:63"), population: "all strokes" }],
    ["totals that disagree (not the same people)", table("b.csv", ["age"], "age=0-44:37", "age=45+:70")],
    ["no shared dimension", table("b.csv", ["region"], "region=north:50", "region=south:50")],
  ])("finds nothing for %s", (_, fresh) => {
    expect(findDifferencing(fresh, [table("a.csv", ["age"], "age=0-49:40", "age=50+:60")], 10)).toEqual([]);
  });

  it("recovers a suppressed cell from a released margin, and a released suppressed cell from the new table", () => {
    const regions = table("regions.csv", ["region"], "region=north:50", "region=south:80");
    const bySex = table(
      "by-sex.csv",
      ["region", "sex"],
      "region=north,sex=F:-",
      "region=north,sex=M:47",
      "region=south,sex=F:40",
      "region=south,sex=M:40",
    );
    expect(findDifferencing(bySex, [regions], 10)).toEqual([
      {
        tables: ["by-sex.csv", "regions.csv"],
        how: "margin-subtraction",
        within: { region: "north" },
        slice: "region north, sex F",
        revealed: 3,
      },
    ]);
    const regionsSuppressed = table("regions.csv", ["region"], "region=north:-", "region=south:80");
    const bySexFull = table(
      "by-sex.csv",
      ["region", "sex"],
      "region=north,sex=F:2",
      "region=north,sex=M:5",
      "region=south,sex=F:40",
      "region=south,sex=M:40",
    );
    expect(findDifferencing(bySexFull, [regionsSuppressed], 10)).toMatchObject([
      { tables: ["by-sex.csv", "regions.csv"], slice: "region north", revealed: 7 },
    ]);
  });

  it("uses a released table's own total row as its margin", () => {
    const released = table(
      "with-total.csv",
      ["region", "sex"],
      "region=north,sex=F:-",
      "region=north,sex=M:-",
      "region=north,sex=Total:50",
    );
    const fresh = table("by-sex.csv", ["region", "sex"], "region=north,sex=F:-", "region=north,sex=M:46");
    expect(findDifferencing(fresh, [released], 10)).toMatchObject([{ slice: "region north, sex F", revealed: 4 }]);
  });

  it("does not detect two suppressed cells in one group (a stated limit)", () => {
    const regions = table("regions.csv", ["region"], "region=north:50");
    const bySex = table(
      "by-sex.csv",
      ["region", "sex"],
      "region=north,sex=F:-",
      "region=north,sex=M:-",
      "region=north,sex=X:44",
    );
    expect(findDifferencing(bySex, [regions], 10)).toEqual([]);
  });
});
