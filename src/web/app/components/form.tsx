// Small form parts: a labelled field, badges, and the submit hook every form uses (buttons off
// while the command runs, the refusal shown in the form's own error box).
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

export function Field({
  label,
  hint,
  children,
  hidden,
}: {
  label: string;
  hint?: string;
  children: ComponentChildren;
  hidden?: boolean;
}) {
  return (
    <label class="field" hidden={hidden}>
      <span class="field-label">{label}</span>
      {children}
      {hint ? <span class="hint">{hint}</span> : null}
    </label>
  );
}

export function Badge({ kind = '', children }: { kind?: string; children: ComponentChildren }) {
  return <span class={`badge ${kind}`.trim()}>{children}</span>;
}

export function Fact({ term, children }: { term: string; children: ComponentChildren }) {
  return (
    <div class="fact">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export interface Submit {
  busy: boolean;
  error: unknown;
  onSubmit: (event: SubmitEvent) => void;
  setError: (err: unknown) => void;
}

/** `run` gets the form and the button that submitted it; a throw shows in the error box. */
export function useSubmit(
  run: (form: HTMLFormElement, submitter: HTMLButtonElement | null) => Promise<void>,
): Submit {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    if (busy) return;
    const form = event.currentTarget as HTMLFormElement;
    setError(null);
    setBusy(true);
    run(form, (event.submitter as HTMLButtonElement | null) ?? null)
      .catch((err: unknown) => setError(err))
      .finally(() => setBusy(false));
  };
  return { busy, error, onSubmit, setError };
}

export const formText = (form: HTMLFormElement, name: string): string =>
  String(new FormData(form).get(name) ?? '').trim();
