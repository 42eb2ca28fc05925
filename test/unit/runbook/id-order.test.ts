// The list order of runbook ids: root collation, computed without ICU for ids of the usual characters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortIds } from '../../../src/runbook/id-order.js';

const root = new Intl.Collator('und');
const byRoot = (ids: string[]): string[] => [...ids].sort(root.compare);
const sorted = (ids: string[]): string[] => sortIds(ids, (x) => x);

describe('sortIds', () => {
  it('orders punctuation, digits, then letters, lowercase before uppercase', () => {
    const ids = ['b', 'B', 'a', 'A', '_x', '-x', '.x', '1', '10', '9', 'Z', 'z', 'ab', 'a-b', 'a_b', 'a.b', 'aB', 'Ab', 'disk-full', 'disk_full'];
    expect(sorted(ids)).toEqual(byRoot(ids));
  });

  it('gives the root collator’s order for any ids of letters, digits, _ - .', () => {
    const id = fc.string({ unit: fc.constantFrom(...'_-.059aAbBmMzZ'.split('')), maxLength: 6 });
    fc.assert(
      fc.property(fc.array(id, { maxLength: 12 }), (ids) => {
        expect(sorted(ids)).toEqual(byRoot(ids));
      }),
      { numRuns: 2000 },
    );
  });

  it('uses the collator when an id has other characters', () => {
    const ids = ['émile', 'zeta', 'Ærø', 'alpha', 'a b'];
    expect(sorted(ids)).toEqual(byRoot(ids));
  });
});
