/**
 * The neighbourhood drawn with cytoscape (canvas): nodes placed by radialLayout (rings by hop,
 * the first ring grouped by type, later nodes beside their parent), coloured by type (legendOf),
 * labels pointing outward so neighbours do not overlap. Level of detail (graph-lod.ts): the
 * explorer opens at the zoom that fits every node with room for labels, and at any zoom draws
 * the labels that fit side by side at ≥ 11.5 px on screen (the centre, then the nearer and
 * better connected nodes first); the rest show when zoomed in (12 px at zoom 1) or hovered.
 * Labels are cut to 130 px with an ellipsis here (one measurement each, not cytoscape's
 * per-character one). Edge labels show when there are few edges, and on hover. The
 * container carries the rendered counts in data-node-count / data-edge-count /
 * data-edge-labels and, per node type, data-node-types (JSON), so tests and assistive tools can
 * read what was drawn.
 */
import cytoscape, { type Core, type ElementDefinition, type StylesheetJson } from 'cytoscape';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { KgSubgraph } from '../../../main/api/contract';
import { radialLayout } from '../graph-layout';
import { fontAt, labelsAt, viewportFor, type LabelSpot } from '../graph-lod';
import { legendOf } from '../graph-style';
import { graphIn, useI18n } from '../i18n';

/** Up to this many edges every edge carries its label; beyond, labels show on hover. */
export const EDGE_LABELS_UP_TO = 40;
/** Beyond this many nodes, only items, the centre and the first ring keep labels until hovered or zoomed in. */
const QUIET_ABOVE = 300;
/** Node label size at zoom 1 (px), and the longest label (px at that size; longer ones end in …). */
const FONT = 12;
const LABEL_MAX = 130;
const FONT_FAMILY = 'Helvetica Neue, Helvetica, sans-serif';
/** Explorer: the box keeps this much on every side for labels drawn outward (px on screen). */
const LABEL_ROOM = 135;
const PADDING = 20;
const MAX_ZOOM = 1.4;

/** Cuts labels to LABEL_MAX px at FONT (binary search on canvas text widths) and tells their widths. */
function labelCutter(): (text: string) => { text: string; width: number } {
  const ctx = document.createElement('canvas').getContext('2d');
  if (ctx === null) return (text) => ({ text, width: Math.min(LABEL_MAX, text.length * FONT * 0.6) });
  ctx.font = `${FONT}px ${FONT_FAMILY}`;
  const width = (t: string): number => ctx.measureText(t).width;
  return (text) => {
    const w = width(text);
    if (w <= LABEL_MAX) return { text, width: w };
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (width(`${text.slice(0, mid)}…`) <= LABEL_MAX) lo = mid;
      else hi = mid - 1;
    }
    const cut = `${text.slice(0, lo).trimEnd()}…`;
    return { text: cut, width: width(cut) };
  };
}

interface KgGraphProps {
  readonly graph: KgSubgraph;
  /** Called with the node's entity id when a node is tapped. */
  readonly onNode: (entity: string) => void;
  /** Entity id drawn as selected. */
  readonly selected?: string | null;
  /** What the picture shows, for screen readers ("Knowledge graph"). */
  readonly name?: string;
  /** data-testid of the container. */
  readonly testId?: string;
  /** 'small' draws a shorter box (the explanation's path graph). */
  readonly size?: 'large' | 'small';
  /** Node type whose nodes are drawn highlighted (the legend's choice). */
  readonly highlightType?: string | null;
}

function elements(g: KgSubgraph, radial: boolean, relationLabel: (key: string, phrase: string) => string): ElementDefinition[] {
  const centre = new Set(g.center);
  const colour = new Map(legendOf(g).map((row) => [row.type, row.colour]));
  const places = radial ? radialLayout(g) : null;
  const quiet = g.nodes.length > QUIET_ABOVE;
  const cut = labelCutter();
  const nodes: ElementDefinition[] = g.nodes.map((n) => {
    const label = cut(n.label);
    const at = places?.get(n.id);
    const right = at === undefined || Math.cos(at.angle) >= -1e-9;
    // labels point away from the centre, read left to right on both halves
    const rot = at === undefined || centre.has(n.id) ? 0 : right ? at.angle : at.angle - Math.PI;
    const side = at === undefined || centre.has(n.id) ? 'below' : right ? 'right' : 'left';
    const classes = [n.kind, `side-${side}`, centre.has(n.id) ? 'centre' : '', quiet && n.kind !== 'item' && n.distance > 1 ? 'quiet' : '', radial ? 'lod' : ''];
    return {
      group: 'nodes',
      data: {
        id: n.id,
        label: label.text,
        width: label.width,
        degree: n.degree,
        angle: at?.angle ?? 0,
        kind: n.kind,
        type: n.type,
        item: n.item ?? '',
        distance: centre.has(n.id) ? 0 : Math.max(1, n.distance),
        fs: centre.has(n.id) ? FONT + 2 : FONT,
        colour: colour.get(n.type) ?? '#8b949e',
        rot,
      },
      classes: classes.join(' ').trim(),
      ...(at === undefined ? {} : { position: { x: at.x, y: at.y } }),
    };
  });
  const labelled = g.edges.length <= EDGE_LABELS_UP_TO;
  const edges: ElementDefinition[] = g.edges.map((e, i) => ({
    group: 'edges',
    data: { id: `e${i}`, source: e.source, target: e.target, label: relationLabel(e.relation, e.label) },
    classes: [e.derived ? 'derived' : '', labelled ? 'labelled' : ''].join(' ').trim(),
  }));
  return [...nodes, ...edges];
}

const STYLE: StylesheetJson = [
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'font-size': FONT,
      'font-family': FONT_FAMILY,
      'min-zoomed-font-size': 7,
      'background-color': 'data(colour)',
      width: 14,
      height: 14,
      color: '#24292f',
      // radians (cytoscape's unit for a bare number); a data mapping (its typings lack it), not a function: cheaper to style
      'text-rotation': 'data(rot)' as unknown as number,
    },
  },
  { selector: 'node.side-right', style: { 'text-halign': 'right', 'text-valign': 'center', 'text-margin-x': 4 } },
  { selector: 'node.side-left', style: { 'text-halign': 'left', 'text-valign': 'center', 'text-margin-x': -4 } },
  { selector: 'node.side-below', style: { 'text-halign': 'center', 'text-valign': 'bottom', 'text-margin-y': 4 } },
  { selector: 'node.item', style: { shape: 'round-rectangle' } },
  { selector: 'node.quiet', style: { 'text-opacity': 0 } },
  { selector: 'node.centre', style: { 'background-color': '#d29922', width: 26, height: 26, 'font-size': 14, 'font-weight': 'bold', 'text-opacity': 1 } },
  { selector: 'node.hover, node.typed', style: { 'text-opacity': 1, 'border-width': 2, 'border-color': '#24292f' } },
  // level of detail (explorer): a label is drawn only when it reads as ≥ READABLE_PX on screen;
  // the labels chosen by labelsAt (and a hovered or selected node's) grow to that size
  { selector: 'node.lod', style: { 'font-size': 'data(fs)', 'min-zoomed-font-size': 11, 'text-background-color': '#ffffff', 'text-background-opacity': 0.75, 'text-background-padding': '1px' } },
  {
    selector: 'node.lod.hover, node.lod.selected',
    style: { 'font-size': (n: cytoscape.NodeSingular) => fontAt(n.cy().zoom(), n.hasClass('centre') ? FONT + 2 : FONT), 'text-opacity': 1 },
  },
  { selector: 'node.lod.key', style: { 'text-opacity': 1 } },
  { selector: 'edge', style: { width: 1, 'line-color': '#c9d1d9', 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'target-arrow-color': '#c9d1d9', 'arrow-scale': 0.6 } },
  { selector: 'edge.derived', style: { 'line-style': 'dashed' } },
  {
    selector: 'edge.labelled, edge.hover',
    style: {
      label: 'data(label)',
      'font-size': 10,
      color: '#57606a',
      'text-rotation': 'autorotate',
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.85,
      'text-background-padding': '1px',
      'min-zoomed-font-size': 6,
    },
  },
  { selector: 'edge.hover', style: { 'line-color': '#57606a', 'target-arrow-color': '#57606a', width: 2, 'z-index': 10 } },
  { selector: 'node.selected', style: { 'border-width': 3, 'border-color': '#cf222e', 'font-weight': 'bold', 'text-opacity': 1 } },
];

/** What labelsAt needs to know of each node, from its element definition. */
function spotsOf(defs: readonly ElementDefinition[]): LabelSpot[] {
  return defs.flatMap((d) =>
    d.group !== 'nodes' || d.position === undefined
      ? []
      : [{ id: String(d.data.id), ...d.position, angle: Number(d.data.angle), width: Number(d.data.width), distance: Number(d.data.distance), degree: Number(d.data.degree) }],
  );
}

/** A node's label size at zoom 1 (data 'fs'): readable on screen at `zoom` when it is labelled there. */
const fontSizeOf = (centre: boolean, key: boolean, zoom: number): number => (key ? fontAt(zoom, centre ? FONT + 2 : FONT) : centre ? FONT + 2 : FONT);

/**
 * The explorer's opening zoom and pan: every node fits with LABEL_ROOM for labels around it
 * (cytoscape's own fit would measure every label first); the labels drawn there (labelsAt) are
 * marked 'key' with their readable size in the definitions, so cytoscape styles each node once.
 * Null when the box is too small for that (cytoscape fits it, followZoom marks the labels).
 */
function openingView(defs: ElementDefinition[], box: HTMLElement): { zoom: number; pan: { x: number; y: number } } | null {
  const spots = spotsOf(defs);
  const view = viewportFor(spots, { width: box.clientWidth, height: box.clientHeight }, PADDING, LABEL_ROOM, MAX_ZOOM);
  if (view === null) return null;
  const keys = labelsAt(spots, view.zoom, FONT);
  for (const d of defs) {
    if (d.group !== 'nodes') continue;
    const key = keys.has(String(d.data.id));
    d.data.fs = fontSizeOf(Number(d.data.distance) === 0, key, view.zoom);
    if (key) d.classes = `${d.classes ?? ''} key`;
  }
  return view;
}

/**
 * Level of detail while zooming: after each zoom (once per frame) marks again the labels drawn
 * at the new zoom ('key', labelsAt) and sets their size for it (data 'fs'), touching only the
 * nodes whose label changes. `marked`: the opening view already marked them. Returns the cleanup.
 */
function followZoom(cy: Core, marked: boolean): () => void {
  const spots = cy.nodes().map((n) => ({ id: n.id(), ...n.position(), angle: Number(n.data('angle')), width: Number(n.data('width')), distance: Number(n.data('distance')), degree: Number(n.data('degree')) }));
  let shownAt = marked ? cy.zoom() : -1;
  let frame: number | null = null;
  const mark = (): void => {
    frame = null;
    const zoom = cy.zoom();
    if (zoom === shownAt) return;
    shownAt = zoom;
    const keys = labelsAt(spots, zoom, FONT);
    cy.batch(() => {
      cy.nodes().forEach((n) => {
        const key = keys.has(n.id());
        const fs = fontSizeOf(n.hasClass('centre'), key, zoom);
        if (key !== n.hasClass('key')) n.toggleClass('key', key);
        if (fs !== n.data('fs')) n.data('fs', fs);
      });
    });
  };
  const onZoom = (): void => {
    frame ??= requestAnimationFrame(mark);
  };
  if (!marked) mark();
  cy.on('zoom', onZoom);
  return () => {
    if (frame !== null) cancelAnimationFrame(frame);
    cy.off('zoom', onZoom);
  };
}

/**
 * Cytoscape adds an inline <style> (".__________cytoscape_container { position: relative }")
 * unless an element with its id exists; the page's CSP forbids inline styles, so we mark it as
 * present and give .kg-canvas (the container) a position in styles.css instead.
 */
function preventInlineStylesheet(): void {
  const id = '__________cytoscape_stylesheet';
  if (document.getElementById(id) !== null) return;
  const marker = document.createElement('meta');
  marker.id = id;
  document.head.appendChild(marker);
}

export function KgGraph({ graph, onNode, selected = null, name, testId = 'kg-graph', size = 'large', highlightType = null }: KgGraphProps) {
  const box = useRef<HTMLDivElement | null>(null);
  const cyRef = useRef<Core | null>(null);
  const { t, relation, lang } = useI18n();
  const [drawn, setDrawn] = useState<{ nodes: number; edges: number; edgeLabels: number; types: string } | null>(null);
  const handlers = useRef({ onNode });
  handlers.current = { onNode };

  // a layout effect: cytoscape starts in the commit that adds its box, so its first frame is the
  // page's next frame (no frame drawn with an empty box, no task in between)
  useLayoutEffect(() => {
    if (box.current === null) return undefined;
    performance.mark('kg:effect');
    preventInlineStylesheet();
    const defs = elements(graphIn(lang, graph, 'short'), size === 'large', relation);
    const view = size === 'large' ? openingView(defs, box.current) : null;
    performance.mark('kg:opening');
    const cy: Core = cytoscape({
      container: box.current,
      elements: defs,
      ...(view ?? {}),
      style: STYLE,
      // the explorer places nodes itself (radialLayout); path graphs (few nodes) use rings by distance with wide spacing
      layout:
        size === 'small'
          ? { name: 'concentric', concentric: (n) => 10 - Number(n.data('distance')), levelWidth: () => 1, minNodeSpacing: 60, animate: false, padding: 30 }
          : { name: 'preset', fit: view === null, padding: PADDING, animate: false },
      wheelSensitivity: 0.3,
      // fitting a few nodes into the box would otherwise blow labels up until they overlap
      maxZoom: MAX_ZOOM,
    });
    performance.mark('kg:cytoscape');

    const stopLod = size === 'large' ? followZoom(cy, view !== null) : () => undefined;
    cy.on('tap', 'node', (e) => {
      handlers.current.onNode(String(e.target.id()));
    });
    // hovering a node shows its label and its edges' labels; hovering an edge shows its label
    cy.on('mouseover', 'node', (e) => {
      e.target.addClass('hover');
      e.target.connectedEdges().addClass('hover');
    });
    cy.on('mouseout', 'node', (e) => {
      e.target.removeClass('hover');
      e.target.connectedEdges().removeClass('hover');
    });
    cy.on('mouseover', 'edge', (e) => e.target.addClass('hover'));
    cy.on('mouseout', 'edge', (e) => e.target.removeClass('hover'));
    cyRef.current = cy;
    const types: Record<string, number> = {};
    cy.nodes().forEach((n) => {
      const t = String(n.data('type'));
      types[t] = (types[t] ?? 0) + 1;
    });
    const counts = { nodes: cy.nodes().length, edges: cy.edges().length, edgeLabels: cy.edges('.labelled').length, types: JSON.stringify(types) };
    // the counts say what the canvas shows: none until cytoscape has drawn its first frame, then
    // set in that frame (flushSync: the attributes and the picture reach the screen together)
    setDrawn(null);
    cy.one('render', () => {
      performance.mark('kg:drawn');
      flushSync(() => setDrawn(counts));
    });
    return () => {
      stopLod();
      cyRef.current = null;
      cy.destroy();
    };
  }, [graph, size, lang]);

  useEffect(() => {
    const cy = cyRef.current;
    if (cy === null) return;
    // only the nodes that change: cytoscape restyles every node removeClass is given, class or not
    cy.nodes('.selected').removeClass('selected');
    if (selected !== null) cy.getElementById(selected).addClass('selected');
  }, [graph, selected]);

  useEffect(() => {
    const cy = cyRef.current;
    if (cy === null) return;
    cy.nodes('.typed').removeClass('typed');
    if (highlightType !== null) cy.nodes().filter((n) => n.data('type') === highlightType).addClass('typed');
  }, [graph, highlightType]);

  // the counts live on an outer box: cytoscape watches its own container's attributes and
  // redraws everything (a resize) 100 ms after any of them changes
  return (
    <div
      className={size === 'small' ? 'kg-graph path' : 'kg-graph'}
      data-testid={testId}
      role="img"
      aria-label={t('kg.graphLabel', { name: name ?? t('kg.graphName'), nodes: graph.nodes.length, edges: graph.edges.length })}
      data-node-count={drawn?.nodes ?? 0}
      data-edge-count={drawn?.edges ?? 0}
      data-edge-labels={drawn?.edgeLabels ?? 0}
      data-node-types={drawn?.types ?? '{}'}
    >
      <div ref={box} className="kg-canvas" />
    </div>
  );
}
