import { Transform, type Readable } from "node:stream";
import type { ActivityPerson } from "./activity-entry";
import type { ActivitySink } from "./activity-writer";

/** JupyterLab's file API (jupyter_server's contents service): `/api/contents/<path>`. */
const CONTENTS = /^\/api\/contents(?:\/(.*))?$/;
/** How much of a response's end is kept: jupyter_server writes the model's `size` and `type` last. */
const TAIL_BYTES = 2048;

const decoded = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** The model's own `size` and `type`: the last of each in the body's tail (a notebook's content comes before). */
function modelTail(tail: string): { size: number | null; type: string | null } {
  const sizes = [...tail.matchAll(/"size"\s*:\s*(\d+)/g)];
  const types = [...tail.matchAll(/"type"\s*:\s*"(\w+)"/g)];
  return { size: sizes.length ? Number(sizes.at(-1)![1]) : null, type: types.at(-1)?.[1] ?? null };
}

/** What a request to the file API is, for the record: a file opened, a file saved, or neither. */
function fileAction(
  method: string,
  url: string,
): { kind: "file.opened" | "file.saved"; path: string; asked: string | null } | undefined {
  const [pathPart = "", query = ""] = url.split("?", 2);
  const match = CONTENTS.exec(pathPart);
  if (!match) return undefined;
  const params = new URLSearchParams(query);
  const path = decoded(match[1] ?? "");
  if (method === "PUT") return { kind: "file.saved", path, asked: null };
  // A GET without content (`content=0`) only asks whether it exists; one with it opens the file or lists a folder.
  if (method === "GET" && params.get("content") !== "0")
    return { kind: "file.opened", path, asked: params.get("type") };
  return undefined;
}

/** What the gateway calls with a workspace's answer: the body the browser gets, unchanged. */
export type ResponseTap = (body: Readable, status: number, contentEncoding: string | undefined) => Readable;

/**
 * For a request to the file API that opens or saves a file, a tap on its answer that records it (path and
 * size) once the answer has gone through; otherwise undefined. Only the answer's last bytes are kept, never
 * the file: the size and type come from the end of jupyter_server's model, or, where the answer is
 * compressed, the size is not known and the type is the one the request asked for.
 */
export function tapFileApi(
  sink: ActivitySink,
  person: ActivityPerson,
  method: string,
  url: string,
): ResponseTap | undefined {
  const action = fileAction(method, url);
  if (!action) return undefined;
  return (body, status, contentEncoding) => {
    if (status !== 200 && status !== 201) return body;
    const readable = !contentEncoding || contentEncoding === "identity";
    let tail = Buffer.alloc(0);
    const through = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        if (readable) tail = Buffer.concat([tail, chunk.subarray(-TAIL_BYTES)]).subarray(-TAIL_BYTES);
        done(null, chunk);
      },
      flush(done) {
        const model = readable ? modelTail(tail.toString("utf8")) : { size: null, type: null };
        const type = model.type ?? action.asked;
        // A folder listed is not a file opened; a model that says nothing of its type counts only if asked as a file.
        if (action.kind === "file.saved" || type === "file" || type === "notebook")
          sink.record(person, action.kind, { path: action.path, size: model.size, type });
        done();
      },
    });
    body.on("error", (err) => through.destroy(err));
    return body.pipe(through);
  };
}
