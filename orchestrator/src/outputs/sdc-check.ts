import { SpeError } from "../errors";
import type { CheckOutputFile } from "./requests/airlock-ports";
import { checkOutputFile } from "./sdc/check-file";

/**
 * The disclosure checks as export requests use them. A table that cannot be read is refused (the
 * researcher fixes it) rather than sent to checkers as a failure nobody can act on.
 */
export const sdcCheck: CheckOutputFile = async ({ file, type, profile }) => {
  try {
    const report = await checkOutputFile({ path: file, type, profile });
    return { status: report.status, report };
  } catch (err) {
    if (err instanceof SpeError && err.code === "OUTPUT_FILE_UNREADABLE") throw new SpeError("EXPORT_FILE_REFUSED", err.message, { cause: err });
    throw err;
  }
};
