// Approve / reject with an optional comment; used by the approvals inbox and the deal page.
import { command, oppPath } from '../api';
import { t } from '../i18n';
import { useSession } from '../session';
import { ErrorBox } from './error-box';
import { Field, formText, useSubmit } from './form';

export function DecisionForm({
  opportunityId,
  approvalId,
  onDone,
}: {
  opportunityId: string;
  approvalId: string;
  onDone: (decision: 'approved' | 'rejected') => Promise<void> | void;
}) {
  const session = useSession();
  const id = `decide-${approvalId}`;
  const submit = useSubmit(async (form, submitter) => {
    const decision = submitter?.value === 'rejected' ? 'rejected' : 'approved';
    const comment = formText(form, 'comment');
    await command(
      id,
      'POST',
      oppPath(opportunityId, `/approvals/${encodeURIComponent(approvalId)}/decision`),
      {
        decision,
        ...(comment ? { comment } : {}),
      },
    );
    session.toast(t(decision === 'approved' ? 'approvals.approvedToast' : 'approvals.rejectedToast'));
    await onDone(decision);
  });
  return (
    <form class="decision" id={id} onSubmit={submit.onSubmit}>
      <Field label={t('approvals.comment')}>
        <input name="comment" maxLength={2000} autocomplete="off" />
      </Field>
      <ErrorBox error={submit.error} />
      <div class="actions">
        <button type="submit" class="primary" name="decision" value="approved" disabled={submit.busy}>
          {t('approvals.approve')}
        </button>
        <button type="submit" class="danger" name="decision" value="rejected" disabled={submit.busy}>
          {t('approvals.reject')}
        </button>
      </div>
    </form>
  );
}
