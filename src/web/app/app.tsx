// The shell: who is signed in (GET /api/me by cookie or API token), the top bar with nav, the
// locale switch and sign-out, and the view for the current route.
import type { ComponentType } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, forgetPendingCommands, setApiToken, setUnauthenticatedHandler } from './api';
import { ErrorBox } from './components/error-box';
import { currentLocale, i18n, isLocale, t, type Locale } from './i18n';
import { useRoute, type Route } from './router';
import { SessionContext, type Session } from './session';
import type { PendingApproval, ProcessDefinition, User } from './types';
import { SignIn } from './views/sign-in';
import { DealsView } from './views/deals';
import { DealView } from './views/deal';
import { ApprovalsView, recentlyDecided } from './views/approvals';
import { NewDealView } from './views/new-deal';
import { BoardView } from './views/board';
import { DashboardView } from './views/dashboard';
import { WeeklyView } from './views/weekly';
import { ProjectReportView } from './views/project-report';
import { SettingsView } from './views/settings';
import { CustomersView } from './views/pool/lazy';
import { tc } from './api/customers-i18n';

const LOCALE_KEY = 'psm.locale';

type Boot =
  | { state: 'loading' }
  | { state: 'signed-out'; notice?: string }
  | { state: 'failed'; error: unknown }
  | { state: 'in'; me: User; process: ProcessDefinition; users: Map<string, User> };

async function loadProcess(): Promise<ProcessDefinition> {
  const res = await fetch('/process.json', { cache: 'no-cache' });
  if (!res.ok) throw new Error(`process.json: ${res.status}`);
  return (await res.json()) as ProcessDefinition;
}

async function loadUsers(): Promise<Map<string, User>> {
  try {
    const { data } = await api<{ users: User[] }>('GET', '/api/users');
    return new Map(data.users.map((u) => [u.id, u]));
  } catch {
    return new Map(); // names are a nicety: ids are shown instead
  }
}

export async function applyLocale(locale: Locale): Promise<void> {
  localStorage.setItem(LOCALE_KEY, locale);
  document.documentElement.lang = locale;
  if (i18n.language !== locale) await i18n.changeLanguage(locale);
  document.title = t('app.title');
}

export function App() {
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });
  const [, setLocaleTick] = useState(0);
  const [approvalCount, setApprovalCount] = useState<number | null>(null);
  const [toastText, setToastText] = useState<string | null>(null);
  const toastTimer = useRef(0);
  const route = useRoute();
  // A screen reader hears the new view, not the link it left: focus moves to <main> on a route
  // change (not on the first load, where the browser's own focus stays).
  const firstRoute = useRef(true);
  /** Set from "sign out" until the next sign-in: 401s meanwhile are the sign-out's own. */
  const signingOut = useRef(false);
  useEffect(() => {
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: false });
  }, [route]);

  const start = useCallback(async () => {
    signingOut.current = false;
    setBoot({ state: 'loading' });
    try {
      const [{ data: me }, process] = await Promise.all([
        api<User>('GET', '/api/me', { expectUnauthenticated: true }),
        loadProcess(),
      ]);
      if (isLocale(me.locale)) await applyLocale(me.locale);
      setBoot({ state: 'in', me, process, users: await loadUsers() });
    } catch (err) {
      if ((err as { status?: number }).status === 401) setBoot({ state: 'signed-out' });
      else setBoot({ state: 'failed', error: err });
    }
  }, []);

  useEffect(() => {
    void applyLocale(currentLocale());
    setUnauthenticatedHandler(() => {
      setApiToken(null);
      forgetPendingCommands();
      // A request still in flight when the person signed out answers 401 too: that is their
      // sign-out, not an expired session, and must not replace "signed out".
      if (signingOut.current) return;
      setBoot((b) => (b.state === 'signed-out' ? b : { state: 'signed-out', notice: t('signIn.expired') }));
    });
    void start();
  }, [start]);

  const toast = useCallback((message: string) => {
    setToastText(message);
    clearTimeout(toastTimer.current);
    toastTimer.current = window.setTimeout(() => setToastText(null), 4000);
  }, []);

  const refreshApprovalCount = useCallback(() => {
    api<{ approvals: PendingApproval[] }>('GET', '/api/approvals/pending')
      .then(({ data }) => setApprovalCount(data.approvals.filter((a) => !recentlyDecided.has(a.id)).length))
      .catch(() => setApprovalCount(null));
  }, []);

  const signOut = useCallback(async () => {
    signingOut.current = true;
    try {
      await api('POST', '/api/auth/sign-out', { expectUnauthenticated: true });
    } catch {
      // signed out either way: the cookie is cleared by the server or already gone
    }
    setApiToken(null);
    forgetPendingCommands();
    setApprovalCount(null);
    setBoot({ state: 'signed-out', notice: t('signIn.signedOut') });
  }, []);

  const setLocale = useCallback(
    async (locale: Locale) => {
      if (boot.state !== 'in') return;
      try {
        const { data } = await api<User>('PATCH', '/api/me', { body: { locale } });
        await applyLocale(locale);
        setBoot({ ...boot, me: data });
      } catch (err) {
        toast(t('locale.failed', { code: (err as { code?: string }).code ?? 'ERROR' }));
      }
      setLocaleTick((n) => n + 1);
    },
    [boot, toast],
  );

  useEffect(() => {
    if (boot.state !== 'in') return;
    refreshApprovalCount();
    const onVisible = () => document.visibilityState === 'visible' && refreshApprovalCount();
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [boot.state, refreshApprovalCount]);

  const session = useMemo<Session | null>(
    () =>
      boot.state === 'in'
        ? {
            me: boot.me,
            process: boot.process,
            users: boot.users,
            toast,
            refreshApprovalCount,
            signOut: () => void signOut(),
          }
        : null,
    [boot, toast, refreshApprovalCount, signOut],
  );

  return (
    <>
      <a class="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header class="topbar">
        <a class="brand" href="#/">
          PSM <span class="brand-sub">{t('app.brandSub')}</span>
        </a>
        {session ? <Nav route={route} approvalCount={approvalCount} me={session.me} /> : null}
        <div class="topbar-end">
          <LocaleSwitch
            locale={currentLocale()}
            onChange={(locale) => {
              if (session) void setLocale(locale);
              else void applyLocale(locale).then(() => setLocaleTick((n) => n + 1));
            }}
          />
          {session ? (
            <div class="whoami" id="whoami">
              <a
                href="#/settings"
                id="settings-link"
                aria-current={route.name === 'settings' ? 'page' : undefined}
              >
                {t('nav.settings')}
              </a>
              <span id="whoami-name">
                {session.me.name} · {t(`role.${session.me.role}`)}
              </span>
              <button type="button" class="link-button" id="sign-out" onClick={() => void signOut()}>
                {t('nav.signOut')}
              </button>
            </div>
          ) : null}
        </div>
      </header>
      <main id="main" class="main" tabIndex={-1}>
        {boot.state === 'loading' ? <p class="muted">{t('common.loading')}</p> : null}
        {boot.state === 'signed-out' ? <SignIn notice={boot.notice} onSignedIn={() => void start()} /> : null}
        {boot.state === 'failed' ? (
          <div class="card">
            <ErrorBox error={boot.error} />
            <div class="actions">
              <button type="button" onClick={() => void start()}>
                {t('common.retry')}
              </button>
            </div>
          </div>
        ) : null}
        {session ? (
          <SessionContext.Provider value={session}>
            <RouteView route={route} />
          </SessionContext.Provider>
        ) : null}
      </main>
      <div class="toast" role="status" aria-live="polite" hidden={!toastText}>
        {toastText}
      </div>
    </>
  );
}

function RouteView({ route }: { route: Route }) {
  const views: Record<Route['name'], ComponentType<{ route: Route }>> = {
    deals: DealsView,
    deal: DealView,
    projectReport: ProjectReportView,
    approvals: ApprovalsView,
    new: NewDealView,
    board: BoardView,
    dashboard: DashboardView,
    weekly: WeeklyView,
    settings: SettingsView,
    pool: CustomersView,
    myClaims: CustomersView,
    account: CustomersView,
    assign: CustomersView,
    import: CustomersView,
    handover: CustomersView,
  };
  const View = views[route.name];
  // A key per route: a new deal id mounts a fresh view (no state carried across deals).
  const key = route.name === 'deal' || route.name === 'account' ? `${route.name}:${route.id}` : route.name;
  return <View key={key} route={route} />;
}

function Nav({ route, approvalCount, me }: { route: Route; approvalCount: number | null; me: User }) {
  const item = (name: Route['name'], href: string, text: string, extra?: preact.ComponentChildren) => (
    <a
      href={href}
      class={route.name === name ? 'active' : ''}
      aria-current={route.name === name ? 'page' : undefined}
    >
      {text}
      {extra}
    </a>
  );
  return (
    <nav class="nav" id="nav" aria-label={t('nav.label')}>
      {item('deals', '#/', t('nav.deals'))}
      {item('board', '#/board', t('nav.board'))}
      {me.role !== 'rep' ? item('dashboard', '#/dashboard', t('nav.dashboard')) : null}
      {item('weekly', '#/weekly', t('nav.weekly'))}
      {item(
        'approvals',
        '#/approvals',
        t('nav.approvals'),
        approvalCount ? (
          <span
            class="count"
            id="approval-count"
            aria-label={t('nav.approvalCount', { count: approvalCount })}
          >
            {approvalCount}
          </span>
        ) : null,
      )}
      {item('new', '#/new', t('nav.new'))}
      {item('pool', '#/pool', tc('nav.pool'))}
      {item('myClaims', '#/my-accounts', tc('nav.myAccounts'))}
      {me.role !== 'rep' ? item('assign', '#/assign', tc('nav.assign')) : null}
      {me.role === 'admin' ? item('handover', '#/handover', tc('nav.handover')) : null}
    </nav>
  );
}

function LocaleSwitch({ locale, onChange }: { locale: Locale; onChange: (locale: Locale) => void }) {
  return (
    <label class="locale-switch">
      <span class="visually-hidden">{t('locale.label')}</span>
      <select
        id="locale-switch"
        value={locale}
        onChange={(e) => {
          const value = (e.currentTarget as HTMLSelectElement).value;
          if (isLocale(value)) onChange(value);
        }}
      >
        <option value="zh-CN">{t('locale.zh-CN')}</option>
        <option value="en">{t('locale.en')}</option>
      </select>
    </label>
  );
}
