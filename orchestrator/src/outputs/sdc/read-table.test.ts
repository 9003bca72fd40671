import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { readTable } from "./read-table";

const quoted = (rows: string[][]) =>
  rows.map((r) => r.map((c) => `"${c.replaceAll('"', '""')}"`).join(",")).join("\r\n");
const plain = (rows: string[][]) => rows.map((r) => r.join(",")).join("\n");

describe("readTable", () => {
  // Plain text takes the fast path; quoted text goes through csv-parse. Both must read the same table.
  const records = [
    ["region", "sex", "count"],
    ["Norrbotten", "F", "12"],
    ["Skåne", "M", ""],
    [" spaced ", "x", "0"],
  ];

  it("reads plain and quoted CSV alike", () => {
    for (const input of [
      plain(records),
      `${plain(records)}\n`,
      plain(records).replaceAll("\n", "\r\n"),
      quoted(records),
      new TextEncoder().encode(`\uFEFF${quoted(records)}\r\n`),
    ]) {
      const table = readTable(input);
      expect(table.columns).toEqual(["region", "sex", "count"]);
      expect(table.rowCount).toBe(3);
      expect(table.records()).toEqual(records.slice(1));
      expect(table.select([2, 0])).toEqual([
        ["12", "", "0"],
        ["Norrbotten", "Skåne", " spaced "],
      ]);
    }
  });

  it.each([
    ['"region","sex","count"\n"Norrbotten","F",12\n"Skåne","M",\n', "R's write.csv"],
    ['region,count\n"A",1\nB,"2"\n"",3\n', "some fields quoted, one empty"],
    ['a,b\r\n"x",""\r\n', "CRLF and an empty quoted field last"],
    ['a,b\n"x,y",1\n', "a delimiter inside quotes"],
    ['a,b\n"x ""y""",1\n', "escaped quotes"],
    ['a,b\n"x\ny",1\n', "a line break inside quotes"],
    ['a;b\n"x";1\n', "semicolons"],
  ])("reads %j (%s) as csv-parse does", (text) => {
    const delimiter = text.split("\n")[0]!.includes(",") ? "," : ";";
    const [header, ...rows] = parse(text, { delimiter, skip_empty_lines: true }) as string[][];
    const table = readTable(text);
    expect(table.columns).toEqual(header);
    expect(table.records()).toEqual(rows);
  });

  it("keeps commas, quotes and line breaks inside quoted fields", () => {
    expect(readTable('name,count\n"Stockholm, city",10\n"a ""b""\nc",11\n').records()).toEqual([
      ["Stockholm, city", "10"],
      ['a "b"\nc', "11"],
    ]);
  });

  it("skips blank lines, so rows count data lines", () => {
    expect(readTable("a,count\n\n1,10\n\n2,11\n").records()).toEqual([
      ["1", "10"],
      ["2", "11"],
    ]);
    expect(readTable('"a",count\n\n1,10\n\n2,11\n').records()).toEqual([
      ["1", "10"],
      ["2", "11"],
    ]);
    expect(readTable("a,count\r\n\r\n1,10\r\n").records()).toEqual([["1", "10"]]);
  });

  it("takes semicolons or tabs when the header has no comma", () => {
    const semicolons = readTable("län;count\nA;12\n");
    expect([semicolons.columns, semicolons.records()]).toEqual([["län", "count"], [["A", "12"]]]);
    expect(readTable("län\tcount\nA\t12\n").records()).toEqual([["A", "12"]]);
  });

  it.each<[string, string | Uint8Array, RegExp]>([
    ["a ragged row (plain)", "a,b\n1,2\n3\n", /Line 3 has 1 fields, the header 2/],
    ["a ragged row (simply quoted: the fast path)", '"a",b\n1,2\n3\n', /Line 3 has 1 fields, the header 2/],
    ["a ragged row (escaped quotes: csv-parse)", '"a ""x""",b\n1,2\n3\n', /Invalid Record Length/],
    ["an unclosed quote", 'a,b\n"1,2\n', /Quote Not Closed/],
    ["text after a closing quote", 'a,b\n"1"x,2\n', /Invalid Closing Quote/],
    ["a quote inside an unquoted field", 'a,b\n1"x",2\n', /Invalid Opening Quote/],
    ["an empty file", "", /empty/],
    ["a column named twice, by position", "count,count\n1,2\n", /one column twice \(columns 1 and 2\)/],
    ["bytes that are not UTF-8", Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe]), /not UTF-8/],
  ])("throws OUTPUT_FILE_UNREADABLE for %s", (_name, input, message) => {
    expect(() => readTable(input)).toThrow(
      expect.objectContaining({ code: "OUTPUT_FILE_UNREADABLE", message: expect.stringMatching(message) }),
    );
  });
});
