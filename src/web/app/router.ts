// Hash routing (#/…): links in mail (/#/opportunities/<id>) keep working, and the server serves
// one page for every route.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { name: 'deals' }
  | { name: 'deal'; id: string }
  | { name: 'projectReport'; id: string; week: string | null }
  | { name: 'approvals' }
  | { name: 'new' }
  | { name: 'board' }
  | { name: 'dashboard' }
  | { name: 'weekly'; week: string | null }
  | { name: 'settings' }
  | { name: 'pool' }
  | { name: 'myClaims' }
  | { name: 'account'; id: string }
  | { name: 'assign' }
  | { name: 'import' }
  | { name: 'handover' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const report = /^\/opportunities\/([^/?]+)\/project-report(?:\/([^/?]+))?/.exec(path);
  if (report) {
    const week = report[2] ? decodeURIComponent(report[2]) : null;
    return { name: 'projectReport', id: decodeURIComponent(report[1]!), week };
  }
  const deal = /^\/opportunities\/([^/?]+)/.exec(path);
  if (deal) return { name: 'deal', id: decodeURIComponent(deal[1]!) };
  if (path.startsWith('/approvals')) return { name: 'approvals' };
  if (path.startsWith('/new')) return { name: 'new' };
  if (path.startsWith('/board')) return { name: 'board' };
  if (path.startsWith('/dashboard')) return { name: 'dashboard' };
  if (path.startsWith('/settings')) return { name: 'settings' };
  // Customers (issue 11): the pool, my list, an account, assignment, CSV import, handover.
  if (path.startsWith('/pool')) return { name: 'pool' };
  if (path.startsWith('/my-accounts')) return { name: 'myClaims' };
  if (path.startsWith('/accounts/import')) return { name: 'import' };
  const account = /^\/accounts\/([^/?]+)/.exec(path);
  if (account) return { name: 'account', id: decodeURIComponent(account[1]!) };
  if (path.startsWith('/assign')) return { name: 'assign' };
  if (path.startsWith('/handover')) return { name: 'handover' };
  const weekly = /^\/weekly(?:\/([^/?]+))?/.exec(path);
  if (weekly) return { name: 'weekly', week: weekly[1] ? decodeURIComponent(weekly[1]) : null };
  return { name: 'deals' };
}

export const dealHref = (id: string): string => `#/opportunities/${encodeURIComponent(id)}`;

export const projectReportHref = (id: string, week?: string): string =>
  `${dealHref(id)}/project-report${week ? `/${encodeURIComponent(week)}` : ''}`;

export function navigate(hash: string): void {
  location.hash = hash;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
