import { createHash, randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { startLocalS3, type LocalS3 } from "@spe/infra/local-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../test/eventually";
import { directoryStagingStore } from "./directory-store";
import { s3StagingStore } from "./s3-store";
import { StagedFileUnavailable, type StagedDeliveryRef, type StagingStore } from "./staging-store";

/** A part size of S3's minimum, so that a 12 MiB file goes up in three parts. */
const PART_BYTES = 5 * 1024 * 1024;

interface Subject {
  store: StagingStore;
  /** The same kind of store where every write fails before it reads anything (no folder can be made; no such bucket). */
  unwritable: StagingStore;
  /** Puts a file beside the store (outside its folder or prefix), to show the store never touches it. */
  plantOutside(name: string): Promise<void>;
  outsideExists(name: string): Promise<boolean>;
  stop(): Promise<void>;
}

async function directorySubject(): Promise<Subject> {
  const dir = mkdtempSync(join(tmpdir(), "spe-staging-store-"));
  return {
    store: directoryStagingStore(join(dir, "staging")),
    unwritable: (() => {
      writeFileSync(join(dir, "blocked"), "a file where the store's folder would be");
      return directoryStagingStore(join(dir, "blocked", "staging"));
    })(),
    plantOutside: async (name) => writeFileSync(join(dir, name), "outside"),
    outsideExists: async (name) => existsSync(join(dir, name)),
    stop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function s3Subject(): Promise<Subject> {
  const s3: LocalS3 = await startLocalS3({ buckets: ["spe-contract"] });
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: s3.credentials,
  });
  const settings = {
    endpoint: s3.endpoint,
    region: s3.region,
    bucket: "spe-contract",
    forcePathStyle: true,
    credentials: s3.credentials,
    partBytes: PART_BYTES,
  };
  return {
    // Under a prefix: what is beside it in the bucket is not the store's.
    store: s3StagingStore({ ...settings, prefix: "spe/staging/" }),
    unwritable: s3StagingStore({ ...settings, bucket: "spe-no-such-bucket", prefix: "" }),
    plantOutside: async (name) =>
      void (await client.send(new PutObjectCommand({ Bucket: "spe-contract", Key: name, Body: "outside" }))),
    outsideExists: (name) =>
      client.send(new HeadObjectCommand({ Bucket: "spe-contract", Key: name })).then(
        () => true,
        () => false,
      ),
    stop: async () => {
      client.destroy();
      await s3.stop();
    },
  };
}

const read = async (store: StagingStore, d: StagedDeliveryRef, path: string) => {
  const opened = await store.openFile(d, path);
  const chunks: Buffer[] = [];
  for await (const chunk of opened.body) chunks.push(chunk as Buffer);
  return { bytes: opened.bytes, body: Buffer.concat(chunks) };
};
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const text = (s: string) => Readable.from([Buffer.from(s)]);

/** A delivery in a namespace of its own, so that the cases cannot see each other's files. */
function delivery(overrides: Partial<StagedDeliveryRef> = {}): StagedDeliveryRef {
  return {
    namespace: `spe-c-${randomUUID().slice(0, 8)}`,
    datasetId: "patientregistret",
    datasetVersion: "2026-09",
    id: randomUUID(),
    ...overrides,
  };
}

/** One table of behaviour that every staging store must show. */
const contract: Array<[string, (s: Subject) => Promise<void>]> = [
  [
    "streams back what was written, byte for byte, with its size: empty, small, and larger than several parts",
    async ({ store }) => {
      const d = delivery();
      const large = randomBytes(12 * 1024 * 1024 + 17);
      for (const [path, bytes] of [
        ["empty.parquet", Buffer.alloc(0)],
        ["small.parquet", Buffer.from("PAR1 small")],
        ["part/large.parquet", large],
      ] as const) {
        await store.writeFile(d, path, Readable.from(chunksOf(bytes, 64 * 1024)));
        const back = await read(store, d, path);
        expect(back.bytes).toBe(bytes.length);
        expect(sha256(back.body)).toBe(sha256(bytes));
      }
    },
  ],
  [
    "writes a file exactly the size of one part as one object",
    async ({ store }) => {
      const d = delivery();
      const bytes = randomBytes(PART_BYTES);
      await store.writeFile(d, "exact.parquet", Readable.from(chunksOf(bytes, 1024 * 1024)));
      expect(sha256((await read(store, d, "exact.parquet")).body)).toBe(sha256(bytes));
    },
  ],
  [
    "replaces a file written again",
    async ({ store }) => {
      const d = delivery();
      await store.writeFile(d, "a.parquet", text("first version"));
      await store.writeFile(d, "a.parquet", text("second"));
      expect((await read(store, d, "a.parquet")).body.toString()).toBe("second");
      expect(await store.listFiles(d)).toEqual([{ path: "a.parquet", bytes: 6 }]);
    },
  ],
  [
    "lists a delivery's files sorted by path with their sizes, and nothing for a delivery never staged",
    async ({ store }) => {
      const d = delivery();
      await store.writeFile(d, "manifest.json", text("{}"));
      await store.writeFile(d, "b/part-1.parquet", text("12345"));
      await store.writeFile(d, "a.parquet", text("1"));
      expect(await store.listFiles(d)).toEqual([
        { path: "a.parquet", bytes: 1 },
        { path: "b/part-1.parquet", bytes: 5 },
        { path: "manifest.json", bytes: 2 },
      ]);
      expect(await store.listFiles(delivery())).toEqual([]);
      // A delivery whose id starts like another's is not listed with it.
      expect(await store.listFiles({ ...d, id: d.id.slice(0, 8) })).toEqual([]);
    },
  ],
  [
    "imports a local folder (subfolders too, hidden partials left out) and removes the local folder",
    async ({ store }) => {
      const d = delivery();
      const folder = mkdtempSync(join(tmpdir(), "spe-import-"));
      mkdirSync(join(folder, "sub"));
      writeFileSync(join(folder, "data.parquet"), "parquet bytes");
      writeFileSync(join(folder, "manifest.json"), "{}");
      writeFileSync(join(folder, "sub", "x.parquet"), "x");
      writeFileSync(join(folder, ".partial-1"), "half");
      await store.importFolder(d, folder);
      expect(existsSync(folder)).toBe(false);
      expect((await store.listFiles(d)).map((f) => f.path)).toEqual(["data.parquet", "manifest.json", "sub/x.parquet"]);
      expect((await read(store, d, "data.parquet")).body.toString()).toBe("parquet bytes");
    },
  ],
  [
    "answers StagedFileUnavailable for a file that is not there",
    async ({ store }) => {
      const d = delivery();
      await store.writeFile(d, "a.parquet", text("a"));
      await expect(store.openFile(d, "b.parquet")).rejects.toBeInstanceOf(StagedFileUnavailable);
      await expect(store.openFile(delivery(), "a.parquet")).rejects.toBeInstanceOf(StagedFileUnavailable);
    },
  ],
  [
    "keeps no file when the stream being written fails part-way",
    async ({ store }) => {
      const d = delivery();
      const failing = Readable.from(
        (async function* () {
          // Two whole parts: an S3 store has begun a multipart upload, which it must abort.
          yield randomBytes(2 * PART_BYTES + 1024);
          throw new Error("connection lost");
        })(),
      );
      await expect(store.writeFile(d, "broken.parquet", failing)).rejects.toThrow(/connection lost/);
      expect(await store.listFiles(d)).toEqual([]);
    },
  ],
  [
    "destroys the stream it was given when a write fails before reading it all, so that nothing it holds open leaks",
    async ({ unwritable }) => {
      // Two whole parts and a bit: an S3 store reads two parts before it starts a multipart upload, which fails.
      const body = Readable.from(chunksOf(randomBytes(2 * PART_BYTES + 1024), 1024 * 1024));
      await expect(unwritable.writeFile(delivery(), "a.parquet", body)).rejects.toThrow();
      expect(body.destroyed).toBe(true);
      const small = text("one part");
      await expect(unwritable.writeFile(delivery(), "b.parquet", small)).rejects.toThrow();
      expect(small.destroyed).toBe(true);
    },
  ],
  [
    "deletes one delivery and nothing else",
    async ({ store }) => {
      const d = delivery();
      const sibling = { ...d, id: randomUUID() };
      await store.writeFile(d, "a.parquet", text("a"));
      await store.writeFile(d, "sub/b.parquet", text("b"));
      await store.writeFile(sibling, "a.parquet", text("a"));
      await store.deleteDelivery(d);
      expect(await store.listFiles(d)).toEqual([]);
      expect(await store.listFiles(sibling)).toHaveLength(1);
      await store.deleteDelivery(d);
    },
  ],
  [
    "on re-delivery deletes the other deliveries of the dataset version only",
    async ({ store }) => {
      const newest = delivery();
      const older = { ...newest, id: randomUUID() };
      const otherVersion = { ...newest, datasetVersion: "2025-09", id: randomUUID() };
      const otherNamespace = { ...newest, namespace: `${newest.namespace}x`, id: randomUUID() };
      for (const d of [newest, older, otherVersion, otherNamespace]) await store.writeFile(d, "a.parquet", text("a"));
      await store.deleteOtherDeliveries(newest);
      expect(await store.listFiles(older)).toEqual([]);
      for (const d of [newest, otherVersion, otherNamespace]) expect(await store.listFiles(d)).toHaveLength(1);
    },
  ],
  [
    "at teardown deletes everything of the namespace, and nothing of another or outside the store",
    async (subject) => {
      const { store } = subject;
      const a = delivery();
      const b = { ...a, datasetId: "lakemedelsregistret", id: randomUUID() };
      const neighbour = { ...a, namespace: `${a.namespace}-2`, id: randomUUID() };
      for (const d of [a, b, neighbour]) await store.writeFile(d, "a.parquet", text("a"));
      const outside = `${a.namespace}-outside`;
      await subject.plantOutside(outside);
      await store.deleteNamespace(a.namespace);
      expect(await store.listFiles(a)).toEqual([]);
      expect(await store.listFiles(b)).toEqual([]);
      expect(await store.listFiles(neighbour)).toHaveLength(1);
      expect(await subject.outsideExists(outside)).toBe(true);
      await store.deleteNamespace(a.namespace);
    },
  ],
  [
    "refuses names that would leave a delivery, before touching anything",
    async ({ store }) => {
      const d = delivery();
      await expect(store.writeFile(d, "../escape.parquet", text("x"))).rejects.toThrow(/not plain/);
      await expect(store.openFile(d, "/etc/passwd")).rejects.toThrow(/not plain/);
      await expect(store.writeFile({ ...d, namespace: "../spe" }, "a.parquet", text("x"))).rejects.toThrow(
        /no namespace name/,
      );
      await expect(store.deleteDelivery({ ...d, id: ".." })).rejects.toThrow(/not a plain segment/);
      await expect(store.deleteNamespace("")).rejects.toThrow(/no namespace name/);
    },
  ],
];

function* chunksOf(bytes: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe.each<[string, () => Promise<Subject>]>([
  ["directory", directorySubject],
  ["S3-compatible (a real versitygw server)", s3Subject],
])("the %s staging store", (_, open) => {
  let subject: Subject;
  // The first run on a machine builds the S3 server from the Go module proxy (minutes, once).
  beforeAll(async () => {
    subject = await open();
  }, 900_000);
  afterAll(async () => {
    await subject?.store.close();
    await subject?.unwritable.close();
    await subject?.stop();
  });
  it.each(contract)("%s", async (_, run) => run(subject), 60_000);
});

describe("the directory staging store and links", () => {
  let dir: string;
  let store: StagingStore;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "spe-staging-links-"));
    store = directoryStagingStore(join(dir, "staging"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("does not serve a file reached through a link in a folder above it, only the file itself at its real path", async () => {
    const d = delivery();
    await store.writeFile(d, "a.parquet", text("staged"));
    // Someone who can write in the staging folder swaps the delivery's folder for a link out of it.
    const outside = join(dir, "outside");
    mkdirSync(outside);
    writeFileSync(join(outside, "a.parquet"), "not staged");
    const folder = join(dir, "staging", d.namespace, `${d.datasetId}@${d.datasetVersion}`, d.id);
    rmSync(folder, { recursive: true });
    symlinkSync(outside, folder);
    await expect(store.openFile(d, "a.parquet")).rejects.toThrow(/link out of the staging folder/);

    // A link that stays inside the staging folder is no escape: it is served.
    const inside = { ...d, id: randomUUID() };
    await store.writeFile(inside, "a.parquet", text("staged inside"));
    rmSync(folder);
    symlinkSync(join(dir, "staging", d.namespace, `${d.datasetId}@${d.datasetVersion}`, inside.id), folder);
    expect((await read(store, d, "a.parquet")).body.toString()).toBe("staged inside");
  });
});

describe("the S3 staging store given an answer without a length (a real versitygw server behind a proxy that drops it)", () => {
  let s3: LocalS3;
  let proxy: Server;
  let store: StagingStore;
  /** Whether each GET the proxy answered was closed before all its bytes were written (the client let it go). */
  const gets: Array<{ closedEarly?: boolean }> = [];

  beforeAll(async () => {
    s3 = await startLocalS3({ buckets: ["spe-nolength"] });
    const upstream = new URL(s3.endpoint);
    // Forwards every request as it came (its signature covers the Host header, kept as sent); answers GETs chunked.
    proxy = createServer((req, res) => {
      const forwarded = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          const headers = { ...up.headers };
          if (req.method === "GET") {
            delete headers["content-length"];
            const get: { closedEarly?: boolean } = {};
            gets.push(get);
            res.on("close", () => (get.closedEarly = !res.writableFinished));
          }
          res.writeHead(up.statusCode!, headers);
          up.pipe(res);
        },
      );
      req.pipe(forwarded);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    store = s3StagingStore({
      endpoint,
      region: s3.region,
      bucket: "spe-nolength",
      prefix: "",
      forcePathStyle: true,
      credentials: s3.credentials,
      partBytes: PART_BYTES,
    });
  }, 900_000);
  afterAll(async () => {
    await store?.close();
    proxy?.close();
    await s3?.stop();
  });

  it("refuses it as unavailable and lets go of its body, so that the connection does not stay held", async () => {
    const d = delivery();
    // Larger than what socket buffers take in: an unread answer cannot finish on its own.
    await store.writeFile(d, "large.parquet", Readable.from(chunksOf(randomBytes(24 * 1024 * 1024), 1024 * 1024)));
    await expect(store.openFile(d, "large.parquet")).rejects.toThrow(/without a body or length/);
    expect(gets).toHaveLength(1);
    await eventually("the client let go of the answer", async () => gets[0]!.closedEarly, 10_000);
  });
});
