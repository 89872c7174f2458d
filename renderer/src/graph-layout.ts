/**
 * Where the explorer draws each node: the centre in the middle, each hop on its own ring.
 * On the first ring nodes are grouped by type (a gap between groups), so a film's directors,
 * actors and genres sit together; on later rings each node sits beside its parent (the
 * neighbour one hop nearer the centre), so an expansion lands next to the node it came from.
 * Pure and deterministic, so it is unit-tested and cheap (no force simulation).
 */
import type { KgSubgraph } from '../../main/api/contract';

export interface Placed {
  readonly x: number;
  readonly y: number;
  /** Direction from the centre in radians (screen coordinates, clockwise from +x). */
  readonly angle: number;
}

/** Arc length between neighbouring nodes on a ring (px at zoom 1): room for one 12 px label line drawn outward. */
export const NODE_SPACING = 22;
/** Distance between rings (px at zoom 1): room for a label drawn outward. */
export const RING_GAP = 170;
const TAU = 2 * Math.PI;
const START = -Math.PI / 2;

/** For each non-centre node, a neighbour one hop nearer the centre (the first such edge), or null. */
export function parentsOf(g: KgSubgraph): Map<string, string | null> {
  const dist = new Map(g.nodes.map((n) => [n.id, n.distance]));
  const parent = new Map<string, string | null>();
  for (const n of g.nodes) if (n.distance > 0) parent.set(n.id, null);
  for (const e of g.edges) {
    for (const [a, b] of [
      [e.source, e.target],
      [e.target, e.source],
    ] as const) {
      const da = dist.get(a);
      const db = dist.get(b);
      if (da === undefined || db === undefined || da < 1 || db !== da - 1 || parent.get(a) !== null) continue;
      parent.set(a, b);
    }
  }
  return parent;
}

/** Types by how many nodes have them (most first), then by name: the legend's and the first ring's order. */
export function typeOrder(g: KgSubgraph): string[] {
  const counts = new Map<string, number>();
  for (const n of g.nodes) counts.set(n.type, (counts.get(n.type) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t);
}

export function radialLayout(g: KgSubgraph): Map<string, Placed> {
  const out = new Map<string, Placed>();
  const centre = new Set(g.center);
  const rings = new Map<number, (typeof g.nodes)[number][]>();
  for (const n of g.nodes) {
    const d = centre.has(n.id) ? 0 : Math.max(1, n.distance);
    let ring = rings.get(d);
    if (ring === undefined) rings.set(d, (ring = []));
    ring.push(n);
  }
  const middle = rings.get(0) ?? [];
  middle.forEach((n, i) => {
    const angle = START + (TAU * i) / Math.max(1, middle.length);
    if (middle.length === 1) out.set(n.id, { x: 0, y: 0, angle });
    else out.set(n.id, { x: 40 * Math.cos(angle), y: 40 * Math.sin(angle), angle });
  });

  const order = typeOrder(g);
  const rank = new Map(order.map((t, i) => [t, i]));
  const parents = parentsOf(g);
  let radius = 0;
  for (const d of [...rings.keys()].filter((k) => k > 0).sort((a, b) => a - b)) {
    const ring = rings.get(d) ?? [];
    const groups = d === 1 ? new Set(ring.map((n) => n.type)).size : 1;
    const slots = ring.length + (groups > 1 ? groups : 0);
    radius = Math.max(radius + RING_GAP, (slots * NODE_SPACING) / TAU);
    const step = NODE_SPACING / radius;
    const angles = d === 1 ? firstRing(ring, rank, slots) : besideParents(ring, parents, out, step);
    ring.forEach((n, i) => {
      const angle = angles[i];
      out.set(n.id, { x: radius * Math.cos(angle), y: radius * Math.sin(angle), angle });
    });
  }
  return out;
}

type RingNode = KgSubgraph['nodes'][number];

/** Sorts the ring by type then label (in place) and spreads it evenly, one empty slot between types. */
function firstRing(ring: RingNode[], rank: Map<string, number>, slots: number): number[] {
  ring.sort((a, b) => (rank.get(a.type) ?? 0) - (rank.get(b.type) ?? 0) || a.label.localeCompare(b.label) || a.id.localeCompare(b.id));
  const angles: number[] = [];
  let slot = 0;
  ring.forEach((n, i) => {
    if (i > 0 && n.type !== ring[i - 1].type && slots > ring.length) slot++;
    angles.push(START + (TAU * slot) / slots);
    slot++;
  });
  return angles;
}

/**
 * Sorts the ring by parent angle (in place) and puts each family of siblings in an arc centred
 * on its parent, `step` apart, pushing later families along when arcs would overlap; when the
 * ring is too full for that, spreads it evenly in the same order.
 */
function besideParents(ring: RingNode[], parents: Map<string, string | null>, placed: Map<string, Placed>, step: number): number[] {
  const want = (n: RingNode): number => {
    const p = parents.get(n.id);
    return p === null || p === undefined ? START : (placed.get(p)?.angle ?? START);
  };
  ring.sort((a, b) => want(a) - want(b) || a.type.localeCompare(b.type) || a.label.localeCompare(b.label) || a.id.localeCompare(b.id));
  if (ring.length * step >= TAU) return ring.map((n, i) => want(ring[0]) + (TAU * i) / ring.length);
  const angles: number[] = [];
  let i = 0;
  while (i < ring.length) {
    let j = i;
    while (j < ring.length && want(ring[j]) === want(ring[i])) j++;
    const start = want(ring[i]) - ((j - i - 1) * step) / 2;
    for (let k = i; k < j; k++) {
      const ideal = start + (k - i) * step;
      angles.push(k === 0 ? ideal : Math.max(ideal, angles[k - 1] + step));
    }
    i = j;
  }
  // the sweep may run past a full turn into the first family: then spread evenly instead
  if (angles.length > 1 && angles[angles.length - 1] - angles[0] > TAU - step) return ring.map((_, k) => angles[0] + (TAU * k) / ring.length);
  return angles;
}
