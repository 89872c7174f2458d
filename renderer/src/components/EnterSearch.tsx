/** A search box that runs `onEnter` when Enter is pressed (and never submits a surrounding form). */
export interface EnterSearchProps {
  readonly id: string;
  readonly value: string;
  readonly maxLength: number;
  readonly placeholder?: string;
  readonly onChange: (value: string) => void;
  readonly onEnter: () => void;
}

export function EnterSearch({ id, value, maxLength, placeholder, onChange, onEnter }: EnterSearchProps) {
  return (
    <input
      id={id}
      type="search"
      value={value}
      maxLength={maxLength}
      placeholder={placeholder}
      onChange={(e) => onChange(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          onEnter();
        }
      }}
    />
  );
}
