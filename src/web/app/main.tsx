// The page's entry: start i18next in the stored (or browser) locale, then mount the shell.
import { render } from 'preact';
import { App } from './app';
import { DEFAULT_LOCALE, initI18n, isLocale } from './i18n';

const LOCALE_KEY = 'psm.locale';

async function boot(): Promise<void> {
  // Until /api/me answers, the last locale this browser used (the sign-in screen needs one).
  const stored = localStorage.getItem(LOCALE_KEY);
  await initI18n(isLocale(stored) ? stored : DEFAULT_LOCALE);
  const root = document.getElementById('app');
  if (!root) throw new Error('#app missing from index.html');
  render(<App />, root);
}

void boot();
