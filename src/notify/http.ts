// One JSON request to a platform. Network failures and 5xx are transient by nature; the caller
// classifies the platform's own error codes. URLs carry credentials (access_token, robot key), so
// no URL ever goes into an error message: only the path.
export interface JsonResponse {
  status: number;
  body: Record<string, unknown>;
}

export class PlatformUnreachable extends Error {
  constructor(what: string, cause: unknown) {
    const reason =
      cause instanceof Error
        ? cause.cause instanceof Error
          ? cause.cause.message
          : cause.message
        : String(cause);
    super(`${what}: ${reason}`);
    this.name = 'PlatformUnreachable';
  }
}

export async function requestJson(
  method: 'GET' | 'POST' | 'PUT',
  url: URL,
  options: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<JsonResponse> {
  const what = `${method} ${url.pathname}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json; charset=utf-8', ...options.headers },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new PlatformUnreachable(what, error);
  }
  const text = await response.text().catch(() => '');
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      body = parsed as Record<string, unknown>;
  } catch {
    // A proxy's HTML error page, an empty 502: the status says enough.
  }
  return { status: response.status, body };
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number'
    ? value
    : typeof value === 'string' && /^-?\d+$/.test(value)
      ? Number(value)
      : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
