/**
 * Saved explorer views ("scenes"): what was centred, how far, which relations, which nodes were
 * expanded. Stored in the browser's localStorage under one key as JSON; anything unreadable
 * there is dropped, never trusted. Pure helpers, unit-tested.
 */

export type SceneCentre = { readonly item: string } | { readonly entity: string };

export interface Scene {
  readonly name: string;
  readonly centre: SceneCentre;
  readonly hops: number;
  readonly perNode: number;
  /** Relation names shown; null: all. */
  readonly shown: readonly string[] | null;
  readonly expansions: readonly { readonly entity: string; readonly relation: string }[];
  readonly saved: string;
}

export const SCENES_KEY = 'knowrec.kg.scenes';
/** Most scenes kept (the oldest are dropped). */
export const MAX_SCENES = 50;

const isString = (v: unknown): v is string => typeof v === 'string';
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readScene(v: unknown): Scene | null {
  if (!isRecord(v) || !isString(v.name) || v.name.trim() === '' || !isRecord(v.centre) || !isString(v.saved)) return null;
  const c = v.centre;
  const centre: SceneCentre | null = isString(c.item) ? { item: c.item } : isString(c.entity) ? { entity: c.entity } : null;
  if (centre === null) return null;
  const hops = Number(v.hops);
  const perNode = Number(v.perNode);
  if (!Number.isInteger(hops) || hops < 1 || hops > 3 || !Number.isInteger(perNode) || perNode < 1) return null;
  const shown = v.shown === null ? null : Array.isArray(v.shown) && v.shown.every(isString) ? v.shown : undefined;
  if (shown === undefined || !Array.isArray(v.expansions)) return null;
  const expansions = v.expansions.filter((x): x is { entity: string; relation: string } => isRecord(x) && isString(x.entity) && isString(x.relation));
  return { name: v.name.trim(), centre, hops, perNode, shown, expansions: expansions.map((x) => ({ entity: x.entity, relation: x.relation })), saved: v.saved };
}

/** The scenes in `stored` (localStorage's text, or null), newest first; bad entries are skipped. */
export function parseScenes(stored: string | null): Scene[] {
  if (stored === null) return [];
  let v: unknown;
  try {
    v = JSON.parse(stored);
  } catch {
    return [];
  }
  if (!Array.isArray(v)) return [];
  return v.map(readScene).filter((s): s is Scene => s !== null);
}

/** Adds `scene`, replacing one of the same name, newest first, at most MAX_SCENES. */
export function upsertScene(scenes: readonly Scene[], scene: Scene): Scene[] {
  return [scene, ...scenes.filter((s) => s.name !== scene.name)].slice(0, MAX_SCENES);
}

export function removeScene(scenes: readonly Scene[], name: string): Scene[] {
  return scenes.filter((s) => s.name !== name);
}
