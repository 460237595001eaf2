// The pages behind mailed links: confirm a sign-in (GET shows a button, only the POST signs in,
// so a mail scanner that fetches the link does not use it), set a password from an invitation or
// a reset, and the refusal page. No script: plain forms that post back to the same URL.
import type { ErrorCode } from '../errors/codes';
import { translator, type TLocale } from '../i18n';
import { html, type SafeHtml } from '../mail/html';
import { PASSWORD_MIN_LENGTH } from './password-policy';
import type { TAuthLinkPurpose } from './auth-links';

function layout(locale: TLocale, title: string, body: SafeHtml): string {
  return html`<!doctype html>
    <html lang="${locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${title}</title>
        <style>
          body {
            font-family: -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', sans-serif;
            max-width: 28rem;
            margin: 3rem auto;
            padding: 0 1rem;
            color: #1f2328;
            line-height: 1.5;
          }
          label {
            display: block;
            margin-top: 1rem;
          }
          input {
            display: block;
            width: 100%;
            box-sizing: border-box;
            font-size: 1rem;
            padding: 0.5rem;
            margin-top: 0.25rem;
          }
          button {
            margin-top: 1.25rem;
            font-size: 1rem;
            padding: 0.5rem 1.5rem;
            border-radius: 6px;
            border: 0;
            background: #0969da;
            color: #fff;
            cursor: pointer;
          }
          .error {
            color: #cf222e;
          }
          small {
            color: #57606a;
          }
        </style>
      </head>
      <body>
        <main>
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html>`.value;
}

export interface LinkPageUser {
  name: string;
  email: string;
}

/** The error code and its details, for a form shown again after a refusal. */
export interface PageRefusal {
  code: ErrorCode | 'PASSWORDS_DIFFER';
  details?: Record<string, unknown>;
}

function refusalText(locale: TLocale, refusal: PageRefusal): string {
  const t = translator(locale, 'auth');
  if (refusal.code === 'PASSWORDS_DIFFER') return t('page.passwordsDiffer');
  const key = `page.errors.${refusal.code}`;
  const text = t(key, refusal.details);
  return text === key ? t('page.errors.generic') : text;
}

export function linkPage(
  locale: TLocale,
  purpose: TAuthLinkPurpose,
  user: LinkPageUser,
  refusal?: PageRefusal,
): string {
  const t = translator(locale, 'auth');
  const title = t(`page.${purpose}.title`, { name: user.name });
  const lead = html`<p>${t(`page.${purpose}.lead`, { email: user.email })}</p>`;
  const error = refusal ? html`<p class="error" role="alert">${refusalText(locale, refusal)}</p>` : '';
  // No `action`: the form posts back to this URL, whose token is the capability.
  if (purpose === 'sign_in') {
    return layout(
      locale,
      title,
      html`${lead}${error}
        <form method="post"><button type="submit">${t('page.sign_in.button')}</button></form>
        <p><small>${t('page.confirmHint')}</small></p>`,
    );
  }
  return layout(
    locale,
    title,
    html`${lead}${error}
      <form method="post">
        <input type="hidden" name="username" autocomplete="username" value="${user.email}" />
        <label
          >${t('page.newPassword')}
          <input
            type="password"
            name="password"
            autocomplete="new-password"
            required
            minlength="${PASSWORD_MIN_LENGTH}"
            aria-describedby="password-hint"
        /></label>
        <label
          >${t('page.repeatPassword')}
          <input type="password" name="repeat" autocomplete="new-password" required
        /></label>
        <p id="password-hint"><small>${t('page.passwordHint', { minLength: PASSWORD_MIN_LENGTH })}</small></p>
        <button type="submit">${t(`page.${purpose}.button`)}</button>
      </form>`,
  );
}

export function linkErrorPage(locale: TLocale, refusal: PageRefusal): string {
  const t = translator(locale, 'auth');
  return layout(
    locale,
    t('page.failedTitle'),
    html`<p>${refusalText(locale, refusal)}</p>
      <p><a href="/">${t('page.openApp')}</a></p>
      <p><small>${refusal.code}</small></p>`,
  );
}
