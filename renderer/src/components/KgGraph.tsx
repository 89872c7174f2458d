/**
 * The neighbourhood drawn with cytoscape (canvas). The container carries the rendered counts
 * in data-node-count / data-edge-count, so tests and assistive tools can read what was drawn.
 */
import cytoscape, { type Core, type ElementDefinition, type StylesheetJson } from 'cytoscape';
import { useEffect, useRef, useState } from 'react';
import type { KgSubgraph } from '../../../main/api/contract';

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
}

function elements(g: KgSubgraph): ElementDefinition[] {
  const centre = new Set(g.center);
  const nodes: ElementDefinition[] = g.nodes.map((n) => ({
    group: 'nodes',
    data: { id: n.id, label: n.label, kind: n.kind, item: n.item ?? '', distance: n.distance },
    classes: [n.kind, centre.has(n.id) ? 'centre' : ''].join(' ').trim(),
  }));
  const edges: ElementDefinition[] = g.edges.map((e, i) => ({
    group: 'edges',
    data: { id: `e${i}`, source: e.source, target: e.target, label: e.label },
    classes: e.derived ? 'derived' : '',
  }));
  return [...nodes, ...edges];
}

const STYLE: StylesheetJson = [
  { selector: 'node', style: { label: 'data(label)', 'font-size': 9, 'background-color': '#8b949e', width: 14, height: 14, color: '#57606a', 'text-wrap': 'ellipsis', 'text-max-width': '110px' } },
  { selector: 'node.item', style: { 'background-color': '#1f6feb', shape: 'round-rectangle' } },
  { selector: 'node.centre', style: { 'background-color': '#d29922', width: 24, height: 24, 'font-size': 11, 'font-weight': 'bold' } },
  { selector: 'edge', style: { width: 1, 'line-color': '#c9d1d9', 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'target-arrow-color': '#c9d1d9', 'arrow-scale': 0.6 } },
  { selector: 'edge.derived', style: { 'line-style': 'dashed' } },
  { selector: 'node.selected', style: { 'border-width': 3, 'border-color': '#cf222e', color: '#1b1f24', 'font-weight': 'bold' } },
];

/**
 * Cytoscape adds an inline <style> (".__________cytoscape_container { position: relative }")
 * unless an element with its id exists; the page's CSP forbids inline styles, so we mark it as
 * present and give .kg-graph that rule in styles.css instead.
 */
function preventInlineStylesheet(): void {
  const id = '__________cytoscape_stylesheet';
  if (document.getElementById(id) !== null) return;
  const marker = document.createElement('meta');
  marker.id = id;
  document.head.appendChild(marker);
}

export function KgGraph({ graph, onNode, selected = null, name = 'Knowledge graph', testId = 'kg-graph', size = 'large' }: KgGraphProps) {
  const box = useRef<HTMLDivElement | null>(null);
  const cyRef = useRef<Core | null>(null);
  const [drawn, setDrawn] = useState<{ nodes: number; edges: number } | null>(null);
  const handlers = useRef({ onNode });
  handlers.current = { onNode };

  useEffect(() => {
    if (box.current === null) return undefined;
    preventInlineStylesheet();
    const cy: Core = cytoscape({
      container: box.current,
      elements: elements(graph),
      style: STYLE,
      // rings by distance from the centre; path graphs (few nodes) get wide spacing for their labels
      layout:
        size === 'small'
          ? { name: 'concentric', concentric: (n) => 10 - Number(n.data('distance')), levelWidth: () => 1, minNodeSpacing: 60, animate: false, padding: 30 }
          : { name: 'concentric', concentric: (n) => 10 - Number(n.data('distance')), levelWidth: () => 1, minNodeSpacing: 12, animate: false },
      wheelSensitivity: 0.3,
      // fitting a few nodes into the box would otherwise blow labels up until they overlap
      maxZoom: 1.4,
    });
    cy.on('tap', 'node', (e) => {
      handlers.current.onNode(String(e.target.id()));
    });
    cyRef.current = cy;
    setDrawn({ nodes: cy.nodes().length, edges: cy.edges().length });
    return () => {
      cyRef.current = null;
      cy.destroy();
    };
  }, [graph, size]);

  useEffect(() => {
    const cy = cyRef.current;
    if (cy === null) return;
    cy.nodes().removeClass('selected');
    if (selected !== null) cy.getElementById(selected).addClass('selected');
  }, [graph, selected]);

  return (
    <div
      ref={box}
      className={size === 'small' ? 'kg-graph path' : 'kg-graph'}
      data-testid={testId}
      role="img"
      aria-label={`${name}: ${graph.nodes.length} nodes, ${graph.edges.length} edges`}
      data-node-count={drawn?.nodes ?? 0}
      data-edge-count={drawn?.edges ?? 0}
    />
  );
}
