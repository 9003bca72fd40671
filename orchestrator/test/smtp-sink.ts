// A real SMTP server for the notification tests, run as a process of its own (smtp-server): it receives on
// loopback into MAIL_DIR, one .eml file per message, and refuses the recipients listed in REFUSE_RECIPIENTS.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";

const dir = process.env.MAIL_DIR!;
const refused = new Set((process.env.REFUSE_RECIPIENTS ?? "").split(",").filter(Boolean));
let received = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onRcptTo(address, _session, callback) {
    if (!refused.has(address.address)) return callback();
    const err = Object.assign(new Error(`5.1.1 <${address.address}>: recipient refused`), { responseCode: 550 });
    callback(err);
  },
  onData(stream, _session, callback) {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      writeFileSync(join(dir, `${String(++received).padStart(4, "0")}-${process.pid}.eml`), Buffer.concat(chunks));
      callback();
    });
  },
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
