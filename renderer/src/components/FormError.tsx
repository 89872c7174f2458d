/** A form's validation message, announced to screen readers; nothing when there is none. */
export function FormError({ message }: { readonly message: string | null }) {
  if (message === null) return null;
  return (
    <p className="error" role="alert">
      {message}
    </p>
  );
}
