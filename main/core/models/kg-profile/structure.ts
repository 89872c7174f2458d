/**
 * The weight-independent part of kg-profile, built once per fit: each item's slots (distinct
 * neighbour entities with the facts reaching them), the relation families, and the training
 * history grouped by user.
 */
import { KnowrecError } from '../../errors';
import type { KgIndex } from '../../kg';
import type { FitContext } from '../../types';

/** Relations are one family when this share of the smaller one's item–entity pairs coincide. */
const FAMILY_OVERLAP = 0.5;
const SECONDS_PER_DAY = 86_400;

export interface Structure {
  readonly kg: KgIndex;
  readonly nUsers: number;
  readonly nItems: number;
  readonly nEntities: number;
  /** Item → slots (distinct neighbour entities, ascending). */
  readonly slotPtr: Int32Array;
  readonly slotEntity: Int32Array;
  /** Slot → facts (relation, direction 0 = out / 1 = in). */
  readonly factPtr: Int32Array;
  readonly factRelation: Int32Array;
  readonly factDirection: Uint8Array;
  /** Relation → family (−1 when the relation touches no item). */
  readonly relationFamily: Int32Array;
  readonly families: readonly { readonly name: string; readonly relations: readonly string[] }[];
  /** Training interactions grouped by user. */
  readonly userPtr: Int32Array;
  readonly histItem: Int32Array;
  readonly histRating: Float32Array;
  /** Days before the user's latest training interaction (0 when timestamps are unknown). */
  readonly histAge: Float64Array;
  readonly maxRating: number;
  /** Entity → the slots holding it (item and slot index), for scoring all items at once. */
  readonly entPtr: Int32Array;
  readonly entItem: Int32Array;
  readonly entSlot: Int32Array;
}

type Slots = Pick<Structure, 'slotPtr' | 'slotEntity' | 'factPtr' | 'factRelation' | 'factDirection'>;
type History = Pick<Structure, 'userPtr' | 'histItem' | 'histRating' | 'histAge' | 'maxRating'>;

/** Slots and families from the KG; history grouped by user. */
export function buildStructure(kg: KgIndex, ctx: FitContext, relations: readonly string[] | undefined): Structure {
  const slots = itemSlots(kg, ctx.nItems, relations);
  return {
    kg,
    nUsers: ctx.nUsers,
    nItems: ctx.nItems,
    nEntities: kg.entityCount,
    ...slots,
    ...relationFamilies(kg, slots),
    ...userHistory(ctx),
    ...invertSlots(slots.slotPtr, slots.slotEntity, kg.entityCount),
  };
}

/** Each item's neighbour entities (its own entities left out), each with the facts reaching it. */
function itemSlots(kg: KgIndex, nItems: number, relations: readonly string[] | undefined): Slots {
  const filter = relations === undefined ? {} : { relations };
  const slotPtr = new Int32Array(nItems + 1);
  const slotEntity: number[] = [];
  const factPtr: number[] = [0];
  const factRelation: number[] = [];
  const factDirection: number[] = [];
  for (let i = 0; i < nItems; i++) {
    const own = kg.itemEntities(i);
    const facts = kg.itemFacts(i, filter).filter((f) => !own.includes(f.entity));
    facts.sort((a, b) => a.entity - b.entity || a.relationIndex - b.relationIndex || (a.direction === b.direction ? 0 : a.direction === 'out' ? -1 : 1));
    let prevEntity = -1;
    let prevRel = -1;
    let prevDir = -1;
    for (const f of facts) {
      const dir = f.direction === 'out' ? 0 : 1;
      if (f.entity !== prevEntity) {
        if (prevEntity >= 0) factPtr.push(factRelation.length);
        slotEntity.push(f.entity);
        prevEntity = f.entity;
      } else if (f.relationIndex === prevRel && dir === prevDir) {
        continue; // the same fact through two of the item's entities
      }
      factRelation.push(f.relationIndex);
      factDirection.push(dir);
      prevRel = f.relationIndex;
      prevDir = dir;
    }
    if (prevEntity >= 0) factPtr.push(factRelation.length);
    slotPtr[i + 1] = slotEntity.length;
  }
  return {
    slotPtr,
    slotEntity: Int32Array.from(slotEntity),
    factPtr: Int32Array.from(factPtr),
    factRelation: Int32Array.from(factRelation),
    factDirection: Uint8Array.from(factDirection),
  };
}

/** Per relation: slots it reaches, facts read from the item's side, and slots shared by each pair. */
function relationCounts(nRel: number, s: Slots): { count: Int32Array; outCount: Int32Array; co: Map<number, number> } {
  const { factPtr: fp, factRelation: fr, factDirection: fd } = s;
  const count = new Int32Array(nRel);
  const outCount = new Int32Array(nRel);
  const co = new Map<number, number>();
  for (let p = 0; p < s.slotEntity.length; p++) {
    const seen: number[] = [];
    for (let f = fp[p]; f < fp[p + 1]; f++) {
      const r = fr[f];
      if (fd[f] === 0) outCount[r]++;
      if (seen.includes(r)) continue;
      seen.push(r);
      count[r]++;
    }
    for (let x = 0; x < seen.length; x++) {
      for (let y = x + 1; y < seen.length; y++) {
        const key = Math.min(seen[x], seen[y]) * nRel + Math.max(seen[x], seen[y]);
        co.set(key, (co.get(key) ?? 0) + 1);
      }
    }
  }
  return { count, outCount, co };
}

/**
 * Relations whose slots mostly coincide are one family (union–find); a family is named after
 * the member read most often from the item's side.
 */
function relationFamilies(kg: KgIndex, s: Slots): Pick<Structure, 'relationFamily' | 'families'> {
  const nRel = kg.relationCount;
  const { count, outCount, co } = relationCounts(nRel, s);
  const parent = Int32Array.from({ length: nRel }, (_, r) => r);
  const root = (r: number): number => {
    while (parent[r] !== r) r = parent[r] = parent[parent[r]];
    return r;
  };
  for (const [key, n] of co) {
    const lo = Math.floor(key / nRel);
    const hi = key % nRel;
    if (n >= FAMILY_OVERLAP * Math.min(count[lo], count[hi])) {
      const a = root(lo);
      const b = root(hi);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  const relationFamily = new Int32Array(nRel).fill(-1);
  const families: { name: string; relations: string[] }[] = [];
  const famOfRoot = new Map<number, number>();
  const famRep: number[] = [];
  for (let r = 0; r < nRel; r++) {
    if (count[r] === 0) continue;
    const rt = root(r);
    let f = famOfRoot.get(rt);
    if (f === undefined) {
      f = families.length;
      famOfRoot.set(rt, f);
      families.push({ name: '', relations: [] });
      famRep.push(r);
    }
    relationFamily[r] = f;
    families[f].relations.push(kg.kg.relationNames[r]);
    if (outCount[r] > outCount[famRep[f]]) famRep[f] = r;
  }
  for (let f = 0; f < families.length; f++) families[f].name = kg.kg.relationNames[famRep[f]];
  return { relationFamily, families };
}

/** Training interactions grouped by user, with each one's age before the user's latest. */
function userHistory(ctx: FitContext): History {
  const { user, item, rating, timestamp } = ctx.train;
  const { nUsers, nItems } = ctx;
  const userPtr = new Int32Array(nUsers + 1);
  for (let p = 0; p < user.length; p++) userPtr[user[p] + 1]++;
  for (let u = 0; u < nUsers; u++) userPtr[u + 1] += userPtr[u];
  const fill = userPtr.slice(0, nUsers);
  const histItem = new Int32Array(user.length);
  const histRating = new Float32Array(user.length);
  const histTime = new Float64Array(user.length);
  let maxRating = 0;
  for (let p = 0; p < user.length; p++) {
    const i = item[p];
    if (i < 0 || i >= nItems) {
      throw new KnowrecError('validation', `kg-profile: training item ${i} is outside 0..${nItems - 1}`, {}, 'build the split from the same dataset');
    }
    const q = fill[user[p]]++;
    histItem[q] = i;
    histRating[q] = rating[p];
    histTime[q] = timestamp[p];
    if (rating[p] > maxRating) maxRating = rating[p];
  }
  const histAge = new Float64Array(user.length);
  for (let u = 0; u < nUsers; u++) {
    let latest = 0;
    for (let p = userPtr[u]; p < userPtr[u + 1]; p++) if (histTime[p] > latest) latest = histTime[p];
    for (let p = userPtr[u]; p < userPtr[u + 1]; p++) {
      histAge[p] = histTime[p] > 0 && latest > 0 ? (latest - histTime[p]) / SECONDS_PER_DAY : 0;
    }
  }
  return { userPtr, histItem, histRating, histAge, maxRating };
}

/** Entity → slots CSR (slots of one entity in item order). */
function invertSlots(slotPtr: Int32Array, slotEntity: Int32Array, nEntities: number): { entPtr: Int32Array; entItem: Int32Array; entSlot: Int32Array } {
  const entPtr = new Int32Array(nEntities + 1);
  for (let k = 0; k < slotEntity.length; k++) entPtr[slotEntity[k] + 1]++;
  for (let e = 0; e < nEntities; e++) entPtr[e + 1] += entPtr[e];
  const fill = entPtr.slice(0, nEntities);
  const entItem = new Int32Array(slotEntity.length);
  const entSlot = new Int32Array(slotEntity.length);
  for (let i = 0; i + 1 < slotPtr.length; i++) {
    for (let k = slotPtr[i]; k < slotPtr[i + 1]; k++) {
      const o = fill[slotEntity[k]]++;
      entItem[o] = i;
      entSlot[o] = k;
    }
  }
  return { entPtr, entItem, entSlot };
}

/** Slot of entity e in item h (slots are sorted by entity), or −1. */
export function findSlot(s: Structure, h: number, e: number): number {
  let lo = s.slotPtr[h];
  let hi = s.slotPtr[h + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = s.slotEntity[mid];
    if (v === e) return mid;
    if (v < e) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
