// The airlock agent's entry: `node --import tsx main.ts` (or the image's compiled equivalent) with
// OUTBOX_DIR, PORT and HOST in the environment. Only node:http and zod, so that its image stays small.
import { z } from "zod";
import { createAirlockAgent } from "./server";

const env = z
  .object({
    OUTBOX_DIR: z.string().min(1, "the folder to serve"),
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HOST: z.string().min(1).default("0.0.0.0"),
  })
  .safeParse(process.env);
if (!env.success) {
  console.error(
    `Invalid configuration: ${env.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
  );
  process.exit(2);
}
const { OUTBOX_DIR, PORT, HOST } = env.data;

let server: ReturnType<typeof createAirlockAgent>;
try {
  server = createAirlockAgent({ outboxDir: OUTBOX_DIR });
} catch (err) {
  console.error(
    `Cannot serve OUTBOX_DIR ${OUTBOX_DIR}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
  );
  process.exit(2);
}
server.listen(PORT, HOST, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : PORT;
  console.log(JSON.stringify({ level: "info", msg: "Started airlock agent", host: HOST, port, outbox: OUTBOX_DIR }));
});

for (const signal of ["SIGTERM", "SIGINT"] as const)
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
