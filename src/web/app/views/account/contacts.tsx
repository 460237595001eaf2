// The account's contacts (role and stance in the deal stakeholders' vocabulary) and a form to add one.
import { STAKEHOLDER_ROLES, STAKEHOLDER_STANCES } from '../../../../../workflows/psm-process';
import { ErrorBox } from '../../components/error-box';
import { Field, formText, useSubmit } from '../../components/form';
import { i18n, t } from '../../i18n';
import { useSession } from '../../session';
import { addContact, type Contact } from '../../api/customers';
import { tc } from '../../api/customers-i18n';

// The deal stakeholders' vocabulary and its words (web.json stakeholderRole.* / stance.*), so an
// account's contact reads the same as a deal's stakeholder and can become one.
const ROLES: readonly string[] = STAKEHOLDER_ROLES;
const STANCES: readonly string[] = STAKEHOLDER_STANCES;
const word = (prefix: string, key: string | null): string => {
  if (!key) return '';
  const k = `${prefix}.${key}`;
  return i18n.exists(k) ? t(k) : key;
};

export function ContactsCard({
  accountId,
  contacts,
  mayAdd,
  onAdded,
}: {
  accountId: string;
  contacts: Contact[];
  mayAdd: boolean;
  onAdded: () => void;
}) {
  const session = useSession();
  const submit = useSubmit(async (form) => {
    const body: Record<string, string> = { name: formText(form, 'name') };
    for (const k of ['title', 'phone', 'email', 'role', 'stance']) {
      const v = formText(form, k);
      if (v) body[k] = v;
    }
    await addContact(accountId, body);
    form.reset();
    session.toast(tc('contacts.added', { name: body.name }));
    onAdded();
  });
  return (
    <section class="card" aria-labelledby="contacts-title">
      <h2 id="contacts-title">{tc('contacts.title')}</h2>
      {contacts.length === 0 ? (
        <p class="muted">{tc('contacts.none')}</p>
      ) : (
        <ul class="plain stakeholders" id="account-contacts">
          {contacts.map((c) => (
            <li key={c.id}>
              <strong>{c.name}</strong>
              {c.title ? ` · ${c.title}` : ''}
              <div class="muted small">
                {[word('stakeholderRole', c.role), word('stance', c.stance), c.phone, c.email]
                  .filter(Boolean)
                  .join(' · ')}
              </div>
            </li>
          ))}
        </ul>
      )}
      <details hidden={!mayAdd}>
        <summary>{tc('contacts.add')}</summary>
        <form class="customer-form" id="contact-form" onSubmit={submit.onSubmit}>
          <div class="form-grid">
            <Field label={tc('contacts.name')}>
              <input name="name" required maxLength={100} />
            </Field>
            <Field label={tc('contacts.jobTitle')}>
              <input name="title" maxLength={100} />
            </Field>
            <Field label={tc('contacts.phone')}>
              <input name="phone" type="tel" maxLength={40} />
            </Field>
            <Field label={tc('contacts.email')}>
              <input name="email" type="email" maxLength={200} />
            </Field>
            <Field label={tc('contacts.role')}>
              <select name="role">
                <option value="">—</option>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {word('stakeholderRole', r)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={tc('contacts.stance')}>
              <select name="stance">
                <option value="">—</option>
                {STANCES.map((s) => (
                  <option key={s} value={s}>
                    {word('stance', s)}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <ErrorBox error={submit.error} />
          <div class="actions">
            <button type="submit" disabled={submit.busy}>
              {tc('contacts.addSubmit')}
            </button>
          </div>
        </form>
      </details>
    </section>
  );
}
