import { describe, expect, it } from "vitest";
import { readTable } from "../../../../orchestrator/src/outputs/sdc/read-table";
import { parseCsv } from "./parse-csv";

// The checks number the flagged cells by the orchestrator's reading of the file; the preview must read the
// same rows, or a checker is shown the wrong cell as flagged.
const TABLES: Record<string, string> = {
  plain: "region,count\nNorr,12\nSyd,3\n",
  "blank lines and CRLF": "region,count\r\n\r\nNorr,12\r\n\r\nSyd,3\r\n",
  "byte-order mark": "\uFEFFregion,count\nNorr,12\n",
  "quoted fields with commas and newlines": 'region,note,count\n"Norr, inland","två\nrader",12\nSyd,"",3\n',
  "semicolons (Swedish spreadsheets)": "region;andel;count\nNorr;0,5;12\nSyd;0,25;3\n",
  tabs: "region\tcount\nNorr\t12\n",
  "spaces around header names": " region , count \nNorr,12\n",
};

describe("parseCsv", () => {
  it.each(Object.entries(TABLES))("reads %s as the disclosure checks do", (_name, text) => {
    const table = readTable(text);
    const parsed = parseCsv(text);
    expect(parsed.header).toEqual(table.columns);
    expect(parsed.rows).toEqual(table.records());
    expect(parsed.damaged).toBe(false);
  });

  it("says when a file is not a well-formed CSV", () => {
    expect(parseCsv('region,count\n"Norr,12\n').damaged).toBe(true);
  });
});
