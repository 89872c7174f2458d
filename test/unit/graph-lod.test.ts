/** The explorer's level of detail (renderer/src/graph-lod.ts): which labels show at a zoom, and the opening view. */
import { describe, expect, it } from 'vitest';
import { READABLE_PX, fontAt, labelsAt, viewportFor, type LabelSpot } from '../../renderer/src/graph-lod';

const at = (id: string, radius: number, angle: number, distance: number, degree = 1, width = 100): LabelSpot => ({
  id,
  x: radius * Math.cos(angle),
  y: radius * Math.sin(angle),
  angle,
  width,
  distance,
  degree,
});

describe('fontAt', () => {
  it('keeps the base size when that reads large enough, else grows to READABLE_PX on screen', () => {
    expect(fontAt(1, 12)).toBe(12);
    expect(fontAt(0.5, 12)).toBe(READABLE_PX / 0.5);
    expect(fontAt(0.5, 12) * 0.5).toBeCloseTo(READABLE_PX);
  });
});

describe('labelsAt', () => {
  const centre = at('c', 0, 0, 0);

  it('always labels the centre', () => {
    expect([...labelsAt([centre], 0.01, 12)]).toEqual(['c']);
  });

  it('of two neighbours too close on screen keeps the better connected one, and both once zoomed in', () => {
    // 200 px from the centre, 0.05 rad apart: 10 px apart at zoom 1, 5 px at zoom 0.5
    const a = at('a', 200, 0, 1, 3);
    const b = at('b', 200, 0.05, 1, 9);
    expect(labelsAt([centre, a, b], 0.5, 12)).toEqual(new Set(['c', 'b']));
    // at zoom 2 they are 20 px apart (more than a 14.4 px line)
    expect(labelsAt([centre, a, b], 2, 12)).toEqual(new Set(['c', 'a', 'b']));
  });

  it('prefers the nearer ring over a better connected node further out', () => {
    const near = at('near', 200, 0, 1, 1, 300);
    const far = at('far', 400, 0.01, 2, 50);
    expect(labelsAt([centre, far, near], 0.5, 12)).toEqual(new Set(['c', 'near']));
  });

  it('keeps two labels in the same direction when the inner one ends before the outer one starts', () => {
    const inner = at('inner', 100, 0, 1, 1, 40);
    const outer = at('outer', 400, 0, 2, 1, 40);
    expect(labelsAt([centre, inner, outer], 1, 12)).toEqual(new Set(['c', 'inner', 'outer']));
  });

  it('keeps labels on opposite sides while their starts are a line apart on screen', () => {
    // they start 61 px from the centre at zoom 1: 122 px apart
    const east = at('east', 50, 0, 1);
    const west = at('west', 50, Math.PI, 1);
    expect(labelsAt([centre, east, west], 0.5, 12)).toEqual(new Set(['c', 'east', 'west']));
    expect(labelsAt([centre, east, west], 0.1, 12)).toEqual(new Set(['c', 'east']));
  });

  it('on a full ring keeps labels at least a line apart on screen, more of them as the zoom grows', () => {
    const ring = Array.from({ length: 120 }, (_, i) => at(`n${i}`, 400, (2 * Math.PI * i) / 120, 1, i % 7));
    const counts = [0.3, 0.6, 1.2].map((zoom) => {
      const kept = ring.filter((s) => labelsAt(ring, zoom, 12).has(s.id));
      for (let i = 0; i < kept.length; i++) {
        for (let j = i + 1; j < kept.length; j++) {
          const turn = Math.abs(Math.atan2(Math.sin(kept[i].angle - kept[j].angle), Math.cos(kept[i].angle - kept[j].angle)));
          // where both labels start, 411 px from the centre at zoom 1
          expect(2 * 411 * Math.sin(turn / 2) * zoom).toBeGreaterThanOrEqual(READABLE_PX * 1.25 - 1e-9);
        }
      }
      return kept.length;
    });
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[0]).toBeLessThan(counts[1]);
    expect(counts[1]).toBeLessThanOrEqual(counts[2]);
    // 2π·411·1.2 / 14.4 ≈ 215 slots for 120 nodes: all fit
    expect(counts[2]).toBe(120);
  });
});

describe('viewportFor', () => {
  const pts = [
    { x: -100, y: -50 },
    { x: 300, y: 150 },
  ];

  it('centres the nodes and scales them into the box less padding and label room', () => {
    const v = viewportFor(pts, { width: 1000, height: 800 }, 20, 130, 2);
    if (v === null) throw new Error('expected a view');
    // room: 1000 − 300 = 700 for 400 wide; 800 − 300 = 500 for 200 tall → 1.75
    expect(v.zoom).toBeCloseTo(1.75);
    // the middle of the nodes (100, 50) lands in the middle of the box
    expect(v.pan.x + v.zoom * 100).toBeCloseTo(500);
    expect(v.pan.y + v.zoom * 50).toBeCloseTo(400);
  });

  it('never zooms past maxZoom, and gives up on a box too small for the label room', () => {
    expect(viewportFor(pts, { width: 1000, height: 800 }, 20, 130, 1.4)?.zoom).toBe(1.4);
    expect(viewportFor(pts, { width: 320, height: 300 }, 20, 130, 1.4)).toBeNull();
    expect(viewportFor([], { width: 1000, height: 800 }, 20, 130, 1.4)).toBeNull();
  });
});
