// Sign-in: email + password (POST /api/auth/sign-in sets the session cookie), or "email me a
// sign-in link" (POST /api/auth/magic-link, always 202: it never says whether the address exists),
// with a "forgot password" path (POST /api/auth/password-reset, also always 202). An API token can
// still be pasted under "Advanced" (scripts' tokens, kept for this tab only).
import { useState } from 'preact/hooks';
import { api, ApiError, setApiToken } from '../../api';
import { ErrorBox } from '../../components/error-box';
import { Field, formText, useSubmit } from '../../components/form';
import { t } from '../../i18n';

type Mode = 'password' | 'link' | 'reset';

export function SignIn({ notice, onSignedIn }: { notice?: string; onSignedIn: () => void }) {
  const [mode, setMode] = useState<Mode>('password');
  const [sent, setSent] = useState<string | null>(null);

  const password = useSubmit(async (form) => {
    try {
      await api('POST', '/api/auth/sign-in', {
        body: { email: formText(form, 'email'), password: String(new FormData(form).get('password') ?? '') },
        expectUnauthenticated: true,
      });
    } catch (err) {
      // One answer for a wrong email and a wrong password alike.
      if (err instanceof ApiError && err.status === 401) throw new ApiError(401, 'SIGN_IN_FAILED', '');
      throw err;
    }
    setApiToken(null);
    onSignedIn();
  });

  const emailOnly = useSubmit(async (form) => {
    const email = formText(form, 'email');
    await api('POST', mode === 'reset' ? '/api/auth/password-reset' : '/api/auth/magic-link', {
      body: { email },
      expectUnauthenticated: true,
    });
    setSent(email);
  });

  const token = useSubmit(async (form) => {
    const value = formText(form, 'token');
    try {
      await api('GET', '/api/me', { token: value });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) throw new ApiError(401, 'TOKEN_REFUSED', '');
      throw err;
    }
    setApiToken(value);
    onSignedIn();
  });

  const switchTo = (next: Mode) => () => {
    setSent(null);
    setMode(next);
  };

  return (
    <div class="signin-wrap">
      <section class="card signin" aria-labelledby="signin-title">
        <h1 id="signin-title">{t(`signIn.title.${mode}`)}</h1>
        {notice ? <p class="notice">{notice}</p> : null}
        {mode === 'password' ? (
          <form id="signin-form" onSubmit={password.onSubmit} class={password.busy ? 'busy' : ''}>
            <Field label={t('signIn.email')}>
              <input name="email" type="email" autocomplete="username" required />
            </Field>
            <Field label={t('signIn.password')}>
              <input name="password" type="password" autocomplete="current-password" required />
            </Field>
            <ErrorBox error={password.error} />
            <div class="actions">
              <button type="submit" class="primary" disabled={password.busy}>
                {t('signIn.submit')}
              </button>
            </div>
          </form>
        ) : sent ? (
          <p class="notice" id="link-sent">
            {t(mode === 'reset' ? 'signIn.resetSent' : 'signIn.linkSent', { email: sent })}
          </p>
        ) : (
          <form id={mode === 'reset' ? 'reset-form' : 'magic-link-form'} onSubmit={emailOnly.onSubmit}>
            <p class="muted">{t(mode === 'reset' ? 'signIn.resetIntro' : 'signIn.linkIntro')}</p>
            <Field label={t('signIn.email')}>
              <input name="email" type="email" autocomplete="username" required />
            </Field>
            <ErrorBox error={emailOnly.error} />
            <div class="actions">
              <button type="submit" class="primary" disabled={emailOnly.busy}>
                {t(mode === 'reset' ? 'signIn.sendReset' : 'signIn.sendLink')}
              </button>
            </div>
          </form>
        )}
        <ul class="signin-links plain">
          {mode !== 'link' ? (
            <li>
              <button type="button" class="link-button" onClick={switchTo('link')}>
                {t('signIn.useLink')}
              </button>
            </li>
          ) : null}
          {mode !== 'password' ? (
            <li>
              <button type="button" class="link-button" onClick={switchTo('password')}>
                {t('signIn.usePassword')}
              </button>
            </li>
          ) : null}
          {mode !== 'reset' ? (
            <li>
              <button type="button" class="link-button" onClick={switchTo('reset')}>
                {t('signIn.forgot')}
              </button>
            </li>
          ) : null}
        </ul>
        <details class="advanced">
          <summary>{t('signIn.advanced')}</summary>
          <form id="token-form" onSubmit={token.onSubmit}>
            <p class="muted small">{t('signIn.tokenIntro')}</p>
            <Field label={t('signIn.token')}>
              <input
                id="token-input"
                name="token"
                type="password"
                autocomplete="off"
                spellcheck={false}
                required
              />
            </Field>
            <ErrorBox error={token.error} />
            <div class="actions">
              <button type="submit" disabled={token.busy}>
                {t('signIn.tokenSubmit')}
              </button>
            </div>
          </form>
        </details>
      </section>
    </div>
  );
}
