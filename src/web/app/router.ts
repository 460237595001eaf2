// Hash routing (#/…): links in mail (/#/opportunities/<id>) keep working, and the server serves
// one page for every route.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { name: 'deals' }
  | { name: 'deal'; id: string }
  | { name: 'approvals' }
  | { name: 'new' }
  | { name: 'board' }
  | { name: 'dashboard' }
  | { name: 'weekly'; week: string | null }
  | { name: 'settings' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
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
