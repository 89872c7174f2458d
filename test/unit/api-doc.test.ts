/** docs/architecture.md lists every Api method, as scripts/api-doc.ts generates it from the contract. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_METHODS } from '../../main/api/contract';
import { DOC_PATH, listedMethods, withMethodList } from '../../scripts/api-doc';

describe('the Api method list in docs/architecture.md', () => {
  const doc = readFileSync(DOC_PATH, 'utf8');

  it('names exactly the contract’s methods, in declaration order', () => {
    expect(listedMethods(doc)).toEqual([...API_METHODS]);
  });

  it('is the generated text (run `npx tsx scripts/api-doc.ts` after changing the contract)', () => {
    expect(withMethodList(doc)).toBe(doc);
  });

  it('a list missing a method is caught', () => {
    const stale = doc.replace(/^- `forgetUser\(.*\n/m, '');
    expect(listedMethods(stale)).not.toEqual([...API_METHODS]);
    expect(withMethodList(stale)).not.toBe(stale);
  });
});
