import { SpeError } from "../errors";
import type { CheckOutputFile } from "./requests/airlock-ports";
import { checkOutputFile } from "./sdc/check-file";

/**
 * The disclosure checks as export requests use them, run once per file: the report keeps what the checks
 * read from the file for the output checkers, and is cut down with `researcherReport` wherever a researcher
 * reads it. A table that cannot be read is refused (the researcher fixes it) rather than sent to checkers
 * as a failure nobody can act on.
 */
export const sdcCheck: CheckOutputFile = async ({ file, type, profile }) => {
  try {
    const report = await checkOutputFile({ path: file, type, profile, detail: true });
    return { status: report.status, report };
  } catch (err) {
    if (err instanceof SpeError && err.code === "OUTPUT_FILE_UNREADABLE")
      throw new SpeError("EXPORT_FILE_REFUSED", err.message, { cause: err });
    throw err;
  }
};
