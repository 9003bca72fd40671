import { parseArgs } from "node:util";
import { verifyAuditChain } from "../audit/verify-audit-chain";
import { AUDIT_DATABASE_OPTIONS, openAuditDatabase } from "./audit-database";
import { EXIT, UsageError } from "./usage";

/** `spe audit verify [--database-url URL | --data-dir DIR]`: 0 intact, 1 broken (names the first broken link), 2 usage. */
export async function auditVerify(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: AUDIT_DATABASE_OPTIONS, allowPositionals: true });
  if (positionals.length > 0) throw new UsageError("spe audit verify takes no arguments besides its options.");
  const database = await openAuditDatabase(values);
  try {
    const result = await verifyAuditChain(database.db);
    if (result.intact) {
      console.log(
        `Intact: ${result.events} audit events in ${database.location}; the last hash is ${result.lastHash}.`,
      );
      return EXIT.ok;
    }
    console.log(
      `Broken at event ${result.brokenAt}: ${result.problem}. The ${result.events} event(s) before it are intact.`,
    );
    return EXIT.invalid;
  } finally {
    await database.close();
  }
}
