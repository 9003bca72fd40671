import { SpeError } from "../errors";
import type { CheckOutputFile } from "./requests/airlock-ports";
import { checkOutput } from "./sdc/check-file";

/**
 * The disclosure checks as export requests use them, run once per file: the report keeps what the checks
 * read from the file for the output checkers, and is cut down with `researcherReport` wherever a researcher
 * reads it. A table that cannot be read is refused (the researcher fixes it) rather than sent to checkers
 * as a failure nobody can act on. An image comes back with its re-encoded bytes, which are kept instead.
 */
export const sdcCheck: CheckOutputFile = async ({ file, name, type, profile }) => {
  try {
    const { report, released } = await checkOutput({ path: file, name, type, profile, detail: true });
    return { status: report.status, report, ...(released && { released }) };
  } catch (err) {
    if (err instanceof SpeError && err.code === "OUTPUT_FILE_UNREADABLE")
      throw new SpeError("EXPORT_FILE_REFUSED", err.message, { cause: err });
    throw err;
  }
};
