import type { ApiError } from '../../../main/api/contract';

export function ErrorNotice({ error }: { readonly error: ApiError }) {
  return (
    <div className="error" role="alert">
      <p>{error.message}</p>
      {error.hint !== undefined && <p className="hint">What to do: {error.hint}</p>}
    </div>
  );
}
