import type { ItemRow, Page } from '../../../main/api/contract';
import { useI18n } from '../i18n';

export function ItemsTable({ page }: { readonly page: Page<ItemRow> }) {
  const { t } = useI18n();
  if (page.rows.length === 0) return <p>{t('common.noItemsMatch')}</p>;
  return (
    <table className="items">
      <thead>
        <tr>
          <th scope="col">{t('items.id')}</th>
          <th scope="col">{t('items.title')}</th>
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
