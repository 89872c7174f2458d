import type { Recommendation } from '../../../main/api/contract';

interface RecommendationListProps {
  readonly items: readonly Recommendation[];
  readonly selected: string | null;
  readonly onSelect: (item: string) => void;
}

export function RecommendationList({ items, selected, onSelect }: RecommendationListProps) {
  if (items.length === 0) return <p>No recommendations.</p>;
  return (
    <table className="recs">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Item</th>
          <th scope="col" className="num">
            Score
          </th>
          <th scope="col">
            <span className="sr-only">Explanation</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((r, i) => (
          <tr key={r.item} aria-selected={r.item === selected} className={r.item === selected ? 'selected' : undefined}>
            <td>{i + 1}</td>
            <td>{r.title}</td>
            <td className="num">{r.score.toFixed(4)}</td>
            <td>
              <button type="button" onClick={() => onSelect(r.item)} aria-pressed={r.item === selected}>
                Why?
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
