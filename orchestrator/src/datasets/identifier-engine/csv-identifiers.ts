// The distinct values of a CSV extract's identifier columns, read straight from its bytes. DuckDB's CSV
// reader would parse every field of every row to hand over one column; a plain CSV (no quotes, one-byte
// delimiter, LF or CRLF line ends) needs only the line ends and the delimiters before the column. Anything
// else — or anything unsure — answers undefined, and the caller lets DuckDB read the values instead.
import { open } from "node:fs/promises";

/** The longest text a key holds: YYYYMMDD-NNNC. */
export const KEY_MAX_LENGTH = 13;

/** The distinct values: those that fit a key (digits and at most one `-` or `+`, up to 13 characters) as keys, the rest as text. */
export interface DistinctValues {
  /** Each key once, in the order the file first names them. */
  keys: Float64Array;
  others: Set<string>;
}

const DIGIT_0 = 48;
const MINUS = 45;
const PLUS = 43;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const TEN_13 = 1e13;
const READ_BYTES = 4 * 1024 * 1024;
/** New keys handed on together while reading: a few batches' worth. */
const NEW_KEYS = 65536;

/**
 * A value of up to 13 characters made of digits and at most one `-` or `+`, as one number: its digits,
 * plus 1e13 times (its length, where its separator is, which separator). Below 2^53, so exact; -1 for a
 * value that does not fit. Every personnummer and samordningsnummer fits, in every form.
 */
export function identifierKey(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length < 1 || length > KEY_MAX_LENGTH) return -1;
  let digits = 0;
  let separatorAt = 0;
  let plus = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    const d = c - DIGIT_0;
    if (d >= 0 && d <= 9) digits = digits * 10 + d;
    else if ((c === MINUS || c === PLUS) && separatorAt === 0) {
      separatorAt = i - start + 1;
      plus = c === PLUS ? 1 : 0;
    } else return -1;
  }
  return ((length * (KEY_MAX_LENGTH + 1) + separatorAt) * 2 + plus) * TEN_13 + digits;
}

/** Writes the text of `key` (ASCII) to `out` at `at`; returns its length. */
export function keyText(key: number, out: Uint8Array, at: number): number {
  const meta = Math.floor(key / TEN_13);
  const digits = key - meta * TEN_13;
  // Two halves below 2^31, so that the digits come from small-integer arithmetic rather than from fmod.
  let high = Math.floor(digits / 1e6);
  let low = digits - high * 1e6;
  const plus = meta % 2;
  const rest = (meta - plus) / 2;
  const separatorAt = rest % (KEY_MAX_LENGTH + 1);
  const length = (rest - separatorAt) / (KEY_MAX_LENGTH + 1);
  let written = 0;
  for (let i = length - 1; i >= 0; i--) {
    if (i === separatorAt - 1) {
      out[at + i] = plus ? PLUS : MINUS;
      continue;
    }
    if (written++ < 6) {
      out[at + i] = DIGIT_0 + (low % 10);
      low = (low - (low % 10)) / 10;
    } else {
      out[at + i] = DIGIT_0 + (high % 10);
      high = (high - (high % 10)) / 10;
    }
  }
  return length;
}

/** keyText as the source of one JavaScript expression, for a worker thread (as PARSE_IDENTIFIER_BYTES_SOURCE). */
export const KEY_TEXT_SOURCE = `(() => {
  const DIGIT_0 = ${DIGIT_0}, MINUS = ${MINUS}, PLUS = ${PLUS}, TEN_13 = ${TEN_13}, KEY_MAX_LENGTH = ${KEY_MAX_LENGTH};
  return ${keyText.toString()};
})()`;

/** Where a key's search starts: its low and high 32 bits mixed, as its last digits alone would crowd similar numbers together. */
function slotOf(key: number, mask: number): number {
  const h =
    (Math.imul((key % 4294967296) | 0, 0x9e3779b1) ^ Math.imul(Math.floor(key / 4294967296) | 0, 0x85ebca6b)) >>> 0;
  return (h ^ (h >>> 15)) & mask;
}

/**
 * A set of keys: open addressing over a Float64Array, -1 for empty (keys are never negative), that keeps
 * the order in which keys first came. The identifier table is built in that order, and its join with the
 * rows runs a tenth faster when its rows lie in the order the extract first names them (extracts are
 * often sorted by person) than in any other.
 */
class KeySet {
  // Room for a register's millions of people before the first doubling.
  private slots = new Float64Array(1 << 22).fill(-1);
  private order = new Float64Array(1 << 20);
  size = 0;
  // The key added last: extracts list a person's rows together, so most rows name the person of the row before.
  private last = -1;

  add(key: number): void {
    if (key === this.last) return;
    this.last = key;
    const mask = this.slots.length - 1;
    let h = slotOf(key, mask);
    for (;;) {
      const slot = this.slots[h]!;
      if (slot === key) return;
      if (slot === -1) {
        this.slots[h] = key;
        if (this.size === this.order.length) {
          const longer = new Float64Array(this.order.length * 2);
          longer.set(this.order);
          this.order = longer;
        }
        this.order[this.size++] = key;
        if (this.size * 2 > this.slots.length) this.grow();
        return;
      }
      h = (h + 1) & mask;
    }
  }

  /** The keys in the order they first came. */
  keys(): Float64Array {
    return this.order.slice(0, this.size);
  }

  /** The keys that came after the first `count`, in order. */
  since(count: number): Float64Array {
    return this.order.slice(count, this.size);
  }

  private grow(): void {
    const slots = new Float64Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let i = 0; i < this.size; i++) {
      const key = this.order[i]!;
      let h = slotOf(key, mask);
      while (slots[h] !== -1) h = (h + 1) & mask;
      slots[h] = key;
    }
    this.slots = slots;
  }
}

/**
 * The distinct non-empty values of the columns at `columns` (0-based, in header order) of the CSV at
 * `path`, after its header line; or undefined when the file is not plain enough to read this way: a
 * quote anywhere, a carriage return other than before a line feed, a delimiter that is not one ASCII
 * character. A line too short to hold a column gives no value for it (DuckDB refuses such a line later).
 * `onNewKeys` hears of new keys in order while the file is read (and all of them before the answer);
 * when the answer is undefined, it may have heard of some.
 */
export async function distinctCsvValues(
  path: string,
  { delimiter, encoding, columns }: { delimiter: string; encoding: "utf-8" | "latin-1"; columns: readonly number[] },
  onNewKeys?: (keys: Float64Array) => Promise<void>,
): Promise<DistinctValues | undefined> {
  const delim = delimiter.charCodeAt(0);
  if (delimiter.length !== 1 || delim > 127 || delim === QUOTE || delim === LF || delim === CR || columns.length === 0)
    return undefined;
  const wanted = [...columns].sort((a, b) => a - b);
  const keys = new KeySet();
  const others = new Set<string>();
  const decode = encoding === "latin-1" ? "latin1" : "utf8";
  const file = await open(path, "r");
  try {
    let buf = Buffer.allocUnsafe(READ_BYTES * 2);
    let filled = 0;
    let header = true;
    let eof = false;
    let told = 0;
    while (!eof) {
      if (filled === buf.length) {
        // One line longer than the buffer: make room.
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const { bytesRead } = await file.read(buf, filled, Math.min(READ_BYTES, buf.length - filled), null);
      eof = bytesRead === 0;
      const end = filled + bytesRead;
      const quote = buf.indexOf(QUOTE, filled);
      if (quote >= 0 && quote < end) return undefined;
      // The lines that are complete; at the end of the file, the last one too.
      let last = buf.lastIndexOf(LF, end - 1);
      if (eof) last = end;
      if (last < 0) {
        filled = end;
        continue;
      }
      for (let cr = buf.indexOf(CR, 0); cr >= 0 && cr < last; cr = buf.indexOf(CR, cr + 1))
        if (buf[cr + 1] !== LF) return undefined;
      if (eof && end > 0 && buf[end - 1] === CR) return undefined;
      let start = 0;
      // Up to and with the line that the line feed at `last` ends, empty or not; at the end of the file, a last line without one.
      while (eof ? start < last : start <= last) {
        let lineEnd = buf.indexOf(LF, start);
        if (lineEnd < 0 || lineEnd > last) lineEnd = last;
        const next = lineEnd + 1;
        if (lineEnd > start && buf[lineEnd - 1] === CR) lineEnd--;
        if (header) header = false;
        else readLine(buf, start, lineEnd, delim, wanted, keys, others, decode);
        start = next;
      }
      filled = end - Math.min(end, last + 1);
      buf.copy(buf, 0, end - filled, end);
      if (onNewKeys && (eof || keys.size - told >= NEW_KEYS)) {
        const fresh = keys.since(told);
        told = keys.size;
        if (fresh.length > 0) await onNewKeys(fresh);
      }
    }
  } finally {
    await file.close();
  }
  return { keys: keys.keys(), others };
}

function readLine(
  buf: Buffer,
  start: number,
  end: number,
  delim: number,
  columns: readonly number[],
  keys: KeySet,
  others: Set<string>,
  decode: "utf8" | "latin1",
): void {
  let field = 0;
  let fieldStart = start;
  for (const column of columns) {
    while (field < column) {
      const at = buf.indexOf(delim, fieldStart);
      if (at < 0 || at >= end) return;
      fieldStart = at + 1;
      field++;
    }
    // Most fields are short identifiers: reading their bytes once both finds their end and makes their key.
    const key = keyUntil(buf, fieldStart, end, delim);
    if (key >= 0) {
      keys.add(key);
      continue;
    }
    let fieldEnd = buf.indexOf(delim, fieldStart);
    if (fieldEnd < 0 || fieldEnd > end) fieldEnd = end;
    // An empty field is NULL, as DuckDB reads it.
    if (fieldEnd > fieldStart) {
      const other = identifierKey(buf, fieldStart, fieldEnd);
      if (other >= 0) keys.add(other);
      else others.add(buf.toString(decode, fieldStart, fieldEnd));
    }
  }
}

/** identifierKey of the field at `start` (up to the delimiter or `end`) when it is 1-13 bytes of digits and one separator; else -1. */
function keyUntil(buf: Buffer, start: number, end: number, delim: number): number {
  const stop = Math.min(end, start + KEY_MAX_LENGTH + 1);
  let digits = 0;
  let separatorAt = 0;
  let plus = 0;
  for (let i = start; i < stop; i++) {
    const c = buf[i]!;
    const d = c - DIGIT_0;
    if (d >= 0 && d <= 9) digits = digits * 10 + d;
    else if (c === delim)
      return i === start
        ? -1
        : ((i - start) * (KEY_MAX_LENGTH + 1) + separatorAt) * 2 * TEN_13 + plus * TEN_13 + digits;
    else if ((c === MINUS || c === PLUS) && separatorAt === 0) {
      separatorAt = i - start + 1;
      plus = c === PLUS ? 1 : 0;
    } else return -1;
  }
  const length = stop - start;
  return stop === end && length >= 1 && length <= KEY_MAX_LENGTH
    ? ((length * (KEY_MAX_LENGTH + 1) + separatorAt) * 2 + plus) * TEN_13 + digits
    : -1;
}
