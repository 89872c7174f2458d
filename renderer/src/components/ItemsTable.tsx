import type { ItemRow, Page } from '../../../main/api/contract';

export function ItemsTable({ page }: { readonly page: Page<ItemRow> }) {
  if (page.rows.length === 0) return <p>No items match.</p>;
  return (
    <table className="items">
      <thead>
        <tr>
          <th scope="col">Id</th>
          <th scope="col">Title</th>
        </tr>
      </thead>
      <tbody>
        {page.rows.map((row) => (
          <tr key={row.id}>
            <td>{row.id}</td>
            <td>{row.title}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
