/** Keyboard way to the graph's nodes: a list box of every drawn node, nearest first. */
import type { KgNode } from '../../../main/api/contract';
import { useI18n } from '../i18n';

interface NodePickerProps {
  readonly nodes: readonly KgNode[];
  readonly selected: string | null;
  readonly onSelect: (entity: string) => void;
}

export function NodePicker({ nodes, selected, onSelect }: NodePickerProps) {
  const { t } = useI18n();
  const sorted = [...nodes].sort((a, b) => a.distance - b.distance || a.label.localeCompare(b.label));
  return (
    <div className="node-picker">
      <label htmlFor="kg-node">{t('kg.node')}</label>
      <select id="kg-node" value={selected ?? ''} onChange={(e) => e.target.value !== '' && onSelect(e.target.value)}>
        <option value="">{t('kg.pickNode', { count: nodes.length })}</option>
        {sorted.map((n) => (
          <option key={n.id} value={n.id}>
            {n.label}
            {n.kind === 'item' ? t('kg.itemSuffix') : ''}
          </option>
        ))}
      </select>
    </div>
  );
}
