/**
 * Quasi-identifiers of users (age, gender, occupation, zip, …) dropped or generalized on request
 * at import, before anything is stored:
 * - drop: the named attributes go; a name matches an attribute of that name or starting with
 *   `<name>_` (`zip` drops `zip_code`), any case;
 * - generalize: a numeric age becomes its decade band ("20-29"), a zip or postal code keeps its
 *   first 3 characters ("55455" → "554").
 * The policy is kept in the workspace (meta `user_attribute_policy`) and applied again by later
 * re-imports unless they give their own.
 */
import { KnowrecError } from '../errors';
import type { Dataset, UserRecord } from '../types';

export interface AttributePolicy {
  /** Attribute names to drop (lower case). */
  readonly drop: readonly string[];
  readonly generalize: boolean;
}

export const NO_ATTRIBUTE_POLICY: AttributePolicy = { drop: [], generalize: false };

const AGE = /^age$/i;
const ZIP = /^(zip|zip_?code|postcode|postal_?code)$/i;
const ZIP_KEEP = 3;

/** True when the policy changes nothing. */
export function isEmptyPolicy(p: AttributePolicy): boolean {
  return p.drop.length === 0 && !p.generalize;
}

/** A policy from the command line / Api fields (names trimmed, lower-cased, deduplicated). */
export function attributePolicy(drop: readonly string[] | undefined, generalize: boolean | undefined): AttributePolicy {
  const names = [...new Set((drop ?? []).map((n) => n.trim().toLowerCase()).filter((n) => n !== ''))];
  return { drop: names, generalize: generalize === true };
}

function matches(key: string, name: string): boolean {
  const k = key.toLowerCase();
  return k === name || k.startsWith(`${name}_`);
}

function generalized(key: string, v: string | number | string[]): string | number | string[] {
  if (AGE.test(key)) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(n) || n < 0) return v;
    const lo = Math.floor(n / 10) * 10;
    return `${lo}-${lo + 9}`;
  }
  if (ZIP.test(key) && (typeof v === 'string' || typeof v === 'number')) return String(v).slice(0, ZIP_KEEP);
  return v;
}

/**
 * `ds` with the policy applied to every user's attributes. `strict`: a name to drop that no
 * attribute matches is an error (a typo must not keep the attribute).
 */
export function applyAttributePolicy(ds: Dataset, policy: AttributePolicy, strict: boolean): Dataset {
  if (isEmptyPolicy(policy)) return ds;
  if (strict) {
    const keys = new Set(ds.users.flatMap((u) => Object.keys(u.attributes)));
    const unknown = policy.drop.filter((n) => ![...keys].some((k) => matches(k, n)));
    if (unknown.length > 0) {
      const known = keys.size > 0 ? [...keys].sort().join(', ') : 'none';
      throw new KnowrecError('config', `no user attribute matches ${unknown.map((n) => `"${n}"`).join(', ')}`, {}, `the users' attributes are: ${known}`);
    }
  }
  const users: UserRecord[] = ds.users.map((u) => {
    const attributes: Record<string, string | number | string[]> = {};
    for (const [k, v] of Object.entries(u.attributes)) {
      if (policy.drop.some((n) => matches(k, n))) continue;
      attributes[k] = policy.generalize ? generalized(k, v) : v;
    }
    return { id: u.id, attributes };
  });
  return { ...ds, users };
}
