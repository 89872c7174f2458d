/**
 * Level of detail for the explorer's labels: which node labels can be drawn at a given zoom, at
 * a readable size on screen, without two of them overlapping. Labels are drawn outward from the
 * centre (graph-layout.ts), so each is a strip along its node's direction, starting just past the
 * node; two strips collide when their radial spans overlap and, where they meet, they are closer
 * than a line of text. Nodes are tried in priority order (the centre, then the nearer ring, then
 * the better connected) and a label is kept only if it collides with none kept before, so the
 * most useful labels show at the zoom that fits the whole graph and more appear as one zooms in.
 * Pure and deterministic (unit-tested).
 */

/** Smallest label size on screen (px) the explorer draws: smaller labels are hidden, never drawn unreadable. */
export const READABLE_PX = 11.5;
/** A line of text on screen (px, line height 1.25): the gap two labels need side by side. */
const LINE_PX = READABLE_PX * 1.25;
/** From a node's centre to where its label starts (px at zoom 1: half the node and the text margin). */
const LABEL_OFFSET = 11;

export interface LabelSpot {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  /** Direction of the label from the centre (radians). */
  readonly angle: number;
  /** Label width at `baseFont` (px at zoom 1). */
  readonly width: number;
  /** 0: a centre (always labelled); 1, 2, …: its hop. */
  readonly distance: number;
  /** Facts of the node in the whole KG (more: labelled first). */
  readonly degree: number;
}

/** The label's font size at zoom 1 that reads as at least READABLE_PX on screen at `zoom`. */
export const fontAt = (zoom: number, baseFont: number): number => Math.max(baseFont, READABLE_PX / zoom);

/** Priority order: centres, then by hop, then by degree (most first), then by id (stable). */
function byPriority(a: LabelSpot, b: LabelSpot): number {
  return a.distance - b.distance || b.degree - a.degree || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The ids whose labels are drawn at `zoom` (at fontAt(zoom) size): every centre, then each node
 * in priority order whose label strip keeps a line of text away from every label already kept.
 */
export function labelsAt(spots: readonly LabelSpot[], zoom: number, baseFont: number): Set<string> {
  const scale = fontAt(zoom, baseFont) / baseFont;
  const gap = LINE_PX / zoom;
  const kept: { angle: number; from: number; to: number }[] = [];
  const out = new Set<string>();
  for (const s of [...spots].sort(byPriority)) {
    if (s.distance === 0) {
      out.add(s.id);
      continue;
    }
    const from = Math.hypot(s.x, s.y) + LABEL_OFFSET;
    const to = from + s.width * scale;
    const clash = kept.some((k) => {
      const meet = Math.max(from, k.from);
      if (meet >= Math.min(to, k.to)) return false;
      const turn = Math.abs(Math.atan2(Math.sin(s.angle - k.angle), Math.cos(s.angle - k.angle)));
      // how far apart the two strips are where both have begun (the chord at that radius)
      return 2 * meet * Math.sin(turn / 2) < gap;
    });
    if (clash) continue;
    kept.push({ angle: s.angle, from, to });
    out.add(s.id);
  }
  return out;
}

/**
 * The zoom and pan that show every node with room for labels on every side: the nodes' box
 * (positions at zoom 1) scaled into the container less `padding` and `labelRoom` (px on screen)
 * on each side, at most `maxZoom`; null when the container is too small for that (fit it then).
 */
export function viewportFor(
  points: readonly { readonly x: number; readonly y: number }[],
  box: { readonly width: number; readonly height: number },
  padding: number,
  labelRoom: number,
  maxZoom: number,
): { zoom: number; pan: { x: number; y: number } } | null {
  if (points.length === 0) return null;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const room = 2 * (padding + labelRoom);
  const w = box.width - room;
  const h = box.height - room;
  if (w < box.width / 3 || h < box.height / 3) return null;
  const zoom = Math.min(maxZoom, w / Math.max(1, x1 - x0), h / Math.max(1, y1 - y0));
  return { zoom, pan: { x: box.width / 2 - zoom * ((x0 + x1) / 2), y: box.height / 2 - zoom * ((y0 + y1) / 2) } };
}
