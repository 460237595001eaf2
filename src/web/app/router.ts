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
  | { name: 'settings' };

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
