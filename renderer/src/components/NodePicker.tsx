/** Keyboard way to the graph's nodes: a list box of every drawn node, nearest first. */
import type { KgNode } from '../../../main/api/contract';

interface NodePickerProps {
  readonly nodes: readonly KgNode[];
  readonly selected: string | null;
  readonly onSelect: (entity: string) => void;
}

export function NodePicker({ nodes, selected, onSelect }: NodePickerProps) {
  const sorted = [...nodes].sort((a, b) => a.distance - b.distance || a.label.localeCompare(b.label));
  return (
    <div className="node-picker">
      <label htmlFor="kg-node">Node</label>
      <select id="kg-node" value={selected ?? ''} onChange={(e) => e.target.value !== '' && onSelect(e.target.value)}>
        <option value="">— pick a node ({nodes.length}) —</option>
        {sorted.map((n) => (
          <option key={n.id} value={n.id}>
            {n.label}
            {n.kind === 'item' ? ' (item)' : ''}
          </option>
        ))}
      </select>
    </div>
  );
}
