import { keyText, KEY_MAX_LENGTH, KEY_TEXT_SOURCE } from "./csv-identifiers";
import { parseIdentifierBytes, PARSE_IDENTIFIER_BYTES_SOURCE, type ReferenceDay } from "../personnummer";

/** Every canonical identifier has 12 digits (YYYYMMDDNNNC). */
export const CANONICAL_WIDTH = 12;
const SPACE = 32;

/** One batch of keys (see csv-identifiers.ts) made ready for DuckDB and for hashing. */
export interface KeyBatch {
  /** The valid keys' texts in order, separated by single spaces (a key's text has none), as latin-1 bytes. */
  raws: Uint8Array;
  /** Their canonical 12-digit forms, end to end, in the same order. */
  canonicals: Uint8Array;
  count: number;
  /** The invalid keys, as [text, problem]: not in `raws` or `canonicals`. */
  invalid: [string, string][];
}

/**
 * keyBatch, made from its two parsers: a hashing worker makes its own from their sources (KEY_BATCH_SOURCE),
 * so that the parsing happens beside the reading of the file rather than after it on the same thread. It
 * reads nothing else but CANONICAL_WIDTH and SPACE, which the source defines too; an imported name would
 * not exist in the worker (and a test runner rewrites imports), hence the arguments.
 */
function makeKeyBatch(parsers: {
  keyText: typeof keyText;
  parseIdentifierBytes: typeof parseIdentifierBytes;
  keyMaxLength: number;
}) {
  return (keys: Float64Array, reference: ReferenceDay): KeyBatch => {
    const width = CANONICAL_WIDTH;
    const raws = new Uint8Array(keys.length * (parsers.keyMaxLength + 1));
    const canonicals = new Uint8Array(keys.length * width);
    const invalid: [string, string][] = [];
    let rawsLength = 0;
    let count = 0;
    for (let k = 0; k < keys.length; k++) {
      // Written in place, after room for the space that separates it from the one before.
      const at = count > 0 ? rawsLength + 1 : 0;
      const length = parsers.keyText(keys[k]!, raws, at);
      const problem = parsers.parseIdentifierBytes(raws, at, length, reference, canonicals, count * width);
      if (problem) {
        invalid.push([String.fromCharCode(...raws.subarray(at, at + length)), problem]);
        continue;
      }
      if (count > 0) raws[rawsLength] = SPACE;
      rawsLength = at + length;
      count++;
    }
    return { raws: raws.subarray(0, rawsLength), canonicals: canonicals.subarray(0, count * width), count, invalid };
  };
}

/** Writes each key's text and validates it as a personnummer or samordningsnummer. */
export const keyBatch = makeKeyBatch({ keyText, parseIdentifierBytes, keyMaxLength: KEY_MAX_LENGTH });

/** keyBatch as the source of one JavaScript expression, for a worker thread (see hmac-pool.ts). */
export const KEY_BATCH_SOURCE = `(() => {
  const CANONICAL_WIDTH = ${CANONICAL_WIDTH}, SPACE = ${SPACE};
  return (${makeKeyBatch.toString()})({ keyText: ${KEY_TEXT_SOURCE}, parseIdentifierBytes: ${PARSE_IDENTIFIER_BYTES_SOURCE}, keyMaxLength: ${KEY_MAX_LENGTH} });
})()`;
