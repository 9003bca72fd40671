import type { WebSocket } from "ws";
import type { ActivityPerson } from "./activity-entry";
import type { ActivitySink } from "./activity-writer";
import { tapFileApi, type ResponseTap } from "./file-api-tap";
import { tapKernelSocket } from "./kernel-socket-tap";

const KERNEL_CHANNELS = /^\/api\/kernels\/([^/]+)\/channels$/;
const TERMINAL = /^\/terminals\/websocket\/([^/]+)$/;

/**
 * What the gateway tells the record of activities, in three calls: a WebSocket it relays (kernels and
 * terminals are recorded), a request to the workspace (the file API's opens and saves are), and a transfer
 * it refused. Each returns at once; what they record is written later, in batches (activity-writer.ts).
 */
export interface WorkspaceActivity {
  socketOpened(person: ActivityPerson, path: string, pair: { client: WebSocket; upstream: WebSocket }): void;
  /** A tap for the answer to record it by, or undefined for a request the record does not care about. */
  requestSent(person: ActivityPerson, method: string, url: string): ResponseTap | undefined;
  transferRefused(person: ActivityPerson, details: { route: string; method: string; path: string }): void;
}

/** The gateway's hooks into the record of activities, writing to `sink`. */
export function workspaceActivity(sink: ActivitySink): WorkspaceActivity {
  return {
    socketOpened(person, path, pair) {
      const kernel = KERNEL_CHANNELS.exec(path);
      if (kernel) return tapKernelSocket(sink, person, kernel[1]!, pair);
      const terminal = TERMINAL.exec(path);
      if (!terminal) return;
      const name = terminal[1]!;
      sink.record(person, "terminal.opened", { name });
      pair.client.once("close", () => sink.record(person, "terminal.closed", { name }));
    },
    requestSent: (person, method, url) => tapFileApi(sink, person, method, url),
    transferRefused: (person, details) => sink.record(person, "transfer.refused", details),
  };
}
