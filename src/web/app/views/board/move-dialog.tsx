// The completion form a move opens: the target milestone's criteria, its approval gate's state and
// the evidence, sent as the same command the deal page sends (POST /api/opportunities/:id/
// milestones). The workflow decides; a refusal comes back with its code and details.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, command, oppPath } from '../../api';
import { ErrorBox } from '../../components/error-box';
import { Field, formText, useSubmit } from '../../components/form';
import { label, useSession } from '../../session';
import type { Deal } from '../../types';
import { tb } from './board-t';
import type { BoardCard } from './board-types';

export interface MoveRequest {
  card: BoardCard;
  /** The milestone the move completes (the target column's). */
  milestone: string;
  /** The target column's index. */
  to: number;
}

export function MoveDialog({
  request,
  onCompleted,
  onRefused,
  onClose,
}: {
  request: MoveRequest;
  onCompleted: () => void;
  onRefused: (err: unknown) => void;
  onClose: () => void;
}) {
  const { process } = useSession();
  const ref = useRef<HTMLDialogElement>(null);
  const [deal, setDeal] = useState<Deal | null>(null);
  const milestone = process.milestones.find((m) => m.key === request.milestone);
  const { card } = request;
  const slot = `board-move-${card.id}-${request.milestone}`;

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
  }, []);

  useEffect(() => {
    // The gate's state lives in the deal's workflow; the form works without it.
    api<Deal>('GET', oppPath(card.id))
      .then(({ data }) => setDeal(data))
      .catch(() => setDeal(null));
  }, [card.id]);

  const submit = useSubmit(async (form) => {
    const f = new FormData(form);
    const links = String(f.get('links') ?? '')
      .split(/\s+/)
      .map((s) => s.trim())
      .filter(Boolean);
    try {
      await command(slot, 'POST', oppPath(card.id, '/milestones'), {
        milestone: request.milestone,
        criteriaMet: f.getAll('criteria').map(String),
        evidence: formText(form, 'evidence'),
        ...(links.length > 0 ? { links } : {}),
      });
    } catch (err) {
      onRefused(err);
      throw err;
    }
    onCompleted();
  });

  if (!milestone) return null;
  const gate = milestone.approvalGate;
  const gateStatus = deal?.milestones.find((m) => m.key === milestone.key)?.approvalGate?.status ?? null;
  const titleId = `move-title-${card.id}`;
  return (
    <dialog
      ref={ref}
      class="board-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form class="complete" id="board-move-form" onSubmit={submit.onSubmit}>
        <h2 id={titleId}>{tb('move.title', { deal: card.name, milestone: label(milestone.name) })}</h2>
        <p class="muted small">
          {tb('move.buyerStage', { stage: label(milestone.buyerStage), pct: milestone.winPct })}
        </p>
        <fieldset>
          <legend>{tb(milestone.rule === 'all' ? 'move.criteriaAll' : 'move.criteriaAny')}</legend>
          {milestone.criteria.map((c) => (
            <label class="check" key={c.key}>
              <input type="checkbox" name="criteria" value={c.key} />
              <span>{label(c.label)}</span>
            </label>
          ))}
        </fieldset>
        {gate ? (
          <p class={`gate gate-${gateStatus ?? 'none'}`} id="board-move-gate">
            <strong>{label(gate.label)}</strong> — {tb(`move.gate.${gateStatus ?? 'none'}`)}
          </p>
        ) : null}
        <Field label={tb('move.evidence')}>
          <textarea name="evidence" rows={3} maxLength={5000} placeholder={tb('move.evidencePlaceholder')} />
        </Field>
        <Field label={tb('move.links')}>
          <textarea name="links" rows={2} placeholder="https://…" />
        </Field>
        <ErrorBox error={submit.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={submit.busy}>
            {tb('move.submit', { milestone: label(milestone.name) })}
          </button>
          <button type="button" onClick={onClose}>
            {tb('move.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
