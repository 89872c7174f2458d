import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A folder of RecBole atomic files `<folder>/tiny.{inter,item}`: two user groups with disjoint
 * tastes, users 1–6 like items a1–a6 (Comedy), users 7–12 like b1–b6 (Horror); 60 interactions.
 */
export function writeTinyDataset(folder: string): void {
  mkdirSync(folder, { recursive: true });
  const rows = ['user_id:token\titem_id:token\trating:float\ttimestamp:float'];
  let t = 1_000_000;
  for (let u = 1; u <= 12; u++) {
    const group = u <= 6 ? 'a' : 'b';
    for (let i = 1; i <= 6; i++) if ((u + i) % 6 !== 0) rows.push(`${u}\t${group}${i}\t${1 + ((u + i) % 5)}\t${t++}`);
  }
  writeFileSync(join(folder, 'tiny.inter'), `${rows.join('\n')}\n`);
  const items = ['item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq'];
  for (const g of ['a', 'b']) for (let i = 1; i <= 6; i++) items.push(`${g}${i}\tFilm ${g}${i}\t199${i}\t${g === 'a' ? 'Comedy' : 'Horror'}`);
  writeFileSync(join(folder, 'tiny.item'), `${items.join('\n')}\n`);
}
