/**
 * The first member name that an object of `json` (text that JSON.parse accepts) holds twice, compared as
 * decoded (`"a"` and `"\u0061"` are one name), or undefined. JSON.parse keeps the last of two, other parsers
 * the first or both: a signed payload that one reader takes one way and another reader another is refused
 * (RFC 7515 §5.2 lets a JWS recipient refuse duplicate names).
 */
export function duplicateMemberName(json: string): string | undefined {
  // One entry per open object (its names so far, and whether a string now would be a name) or array (null).
  const open: Array<{ names: Set<string>; nameNext: boolean } | null> = [];
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === "\\" ? 2 : 1;
      const object = open.at(-1);
      if (object?.nameNext) {
        const name = JSON.parse(json.slice(i, end + 1)) as string;
        if (object.names.has(name)) return name;
        object.names.add(name);
        object.nameNext = false;
      }
      i = end;
    } else if (c === "{") open.push({ names: new Set(), nameNext: true });
    else if (c === "[") open.push(null);
    else if (c === "}" || c === "]") open.pop();
    else if (c === ",") {
      const object = open.at(-1);
      if (object) object.nameNext = true;
    }
  }
  return undefined;
}
