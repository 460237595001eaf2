// What a platform's callback endpoint receives and answers, independent of Express.
export interface CallbackRequest {
  method: string;
  query: Readonly<Record<string, string | undefined>>;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  rawBody: Buffer;
}

export interface CallbackAnswer {
  status: number;
  contentType: 'text/plain' | 'application/json';
  body: string;
  /** What happened, for our logs and tests (the X-PSM-Outcome header): decided:approved, refused:TOKEN_USED, pending... */
  outcome: string;
}

export interface PlatformCallbackHandler {
  handle(req: CallbackRequest): Promise<CallbackAnswer>;
  /** Resolves once every card update started so far has finished (tests, shutdown). */
  idle(): Promise<void>;
}

export const json = (status: number, body: unknown, outcome: string): CallbackAnswer => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(body),
  outcome,
});

export const refusal = (status: number, code: string, message: string): CallbackAnswer =>
  json(status, { error: { code, message } }, `refused:${code}`);

/** Seconds-since-epoch timestamp within `maxAgeSeconds` of now (either way). */
export function isFresh(timestampSeconds: string | undefined, nowMs: number, maxAgeSeconds: number): boolean {
  if (!timestampSeconds || !/^\d{1,13}$/.test(timestampSeconds)) return false;
  return Math.abs(nowMs / 1000 - Number(timestampSeconds)) <= maxAgeSeconds;
}

/** Tracks background work so tests and shutdown can wait for it. */
export function createBackgroundWork(onError: (err: unknown) => void) {
  const running = new Set<Promise<void>>();
  return {
    run(work: () => Promise<void>): void {
      const p: Promise<void> = work()
        .catch(onError)
        .finally(() => running.delete(p));
      running.add(p);
    },
    async idle(): Promise<void> {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
