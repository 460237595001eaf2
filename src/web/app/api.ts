// The page's one way to the API. Signed in by the session cookie (psm_session, httpOnly) that
// POST /api/auth/sign-in sets; every state-changing call sends X-CSRF-Token equal to the readable
// psm_csrf cookie. The "API token" advanced sign-in sends a bearer token instead (kept in
// sessionStorage, gone when the tab closes). Failures throw ApiError carrying the API's
// { error: { code, message, details } }; the page shows the code and details, never the message.

export type Json = Record<string, unknown>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'psm.apiToken';
const CSRF_COOKIE = 'psm_csrf';

let onUnauthenticated: (() => void) | null = null;
/** Called when the API answers 401 to a signed-in call: the shell shows the sign-in screen. */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

export function apiToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setApiToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export function csrfToken(): string | null {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return null;
}

export interface ApiOptions {
  body?: unknown;
  idempotencyKey?: string;
  /** A bearer token to try instead of the session (the API-token sign-in checks one with it). */
  token?: string;
  /** A 401 here is an answer (wrong password), not an expired session. */
  expectUnauthenticated?: boolean;
  /** A body sent as is (a CSV file), with its content type, instead of JSON. */
  rawBody?: Blob | string;
  contentType?: string;
}

export interface ApiResult<T> {
  status: number;
  data: T;
}

export async function api<T = Json>(
  method: string,
  path: string,
  opts: ApiOptions = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = opts.token ?? apiToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.rawBody !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/octet-stream';
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = csrfToken();
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'network');
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err =
      (data as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error ?? {};
    const error = new ApiError(res.status, err.code ?? `HTTP_${res.status}`, err.message ?? '', err.details);
    if (res.status === 401 && !opts.expectUnauthenticated && opts.token === undefined) onUnauthenticated?.();
    throw error;
  }
  return { status: res.status, data: data as T };
}

/** A v4 UUID; crypto.randomUUID exists only on https or localhost, getRandomValues everywhere. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Idempotency keys of submissions that have not succeeded yet, by form. Retrying the same
 * submission reuses its key, so a command that landed the first time (its answer lost to a 503)
 * is not applied twice; a changed submission, or a success, starts afresh.
 */
const pendingKeys = new Map<string, { fingerprint: string; key: string }>();
let lastCommandAt = 0;

export function millisSinceLastCommand(): number {
  return Date.now() - lastCommandAt;
}

export function forgetPendingCommands(): void {
  pendingKeys.clear();
}

/** A state-changing call with an Idempotency-Key that survives retries of the same submission. */
export async function command<T = Json>(
  slot: string,
  method: string,
  path: string,
  body: unknown,
): Promise<ApiResult<T>> {
  const fingerprint = `${method} ${path} ${JSON.stringify(body ?? null)}`;
  let pending = pendingKeys.get(slot);
  if (!pending || pending.fingerprint !== fingerprint) {
    pending = { fingerprint, key: newIdempotencyKey() };
    pendingKeys.set(slot, pending);
  }
  const result = await api<T>(method, path, { body, idempotencyKey: pending.key });
  pendingKeys.delete(slot);
  lastCommandAt = Date.now();
  return result;
}

export const oppPath = (id: string, rest = ''): string =>
  `/api/opportunities/${encodeURIComponent(id)}${rest}`;
