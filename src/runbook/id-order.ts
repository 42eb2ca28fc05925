// The order runbooks are listed in: by id, in Unicode's default collation order (ICU's root locale, what
// `Intl.Collator('und')` gives), the same on every machine whatever its locale.
//
// Setting up any ICU collator costs ~15 ms (its data is loaded on first use): a tenth of a `list`. Runbook ids
// are letters, digits, '_', '-' and '.' (front-matter.ts), and for those the root order is simple: by
// primary weight ('_' < '-' < '.' < digits < letters, case aside), then lowercase before uppercase at the
// first difference. Ids of other characters (an id taken from a file name) are compared by the collator.

const ASCII_ID = /^[\w.-]*$/;

/** Primary weight of a character of ASCII_ID (letters case-insensitive); -1 for anything else. */
function primary(c: number): number {
  if (c === 0x5f) return 1; // _
  if (c === 0x2d) return 2; // -
  if (c === 0x2e) return 3; // .
  if (c >= 0x30 && c <= 0x39) return 10 + c - 0x30; // 0-9
  if (c >= 0x61 && c <= 0x7a) return 20 + c - 0x61; // a-z
  if (c >= 0x41 && c <= 0x5a) return 20 + c - 0x41; // A-Z
  return -1;
}

/** Root collation of two ids of ASCII_ID. */
function compareAsciiIds(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = primary(a.charCodeAt(i)) - primary(b.charCodeAt(i));
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  // Same letters: lowercase first, at the first place the case differs.
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x > y ? -1 : 1; // 'a' (0x61) sorts before 'A' (0x41)
  }
  return 0;
}

let collator: Intl.Collator | undefined;

/** `items` sorted by `idOf(item)` in root collation order (a new array). */
export function sortIds<T>(items: readonly T[], idOf: (item: T) => string): T[] {
  const out = [...items];
  if (out.every((x) => ASCII_ID.test(idOf(x)))) return out.sort((x, y) => compareAsciiIds(idOf(x), idOf(y)));
  const c = (collator ??= new Intl.Collator('und'));
  return out.sort((x, y) => c.compare(idOf(x), idOf(y)));
}
