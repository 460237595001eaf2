// An app access token kept until shortly before it expires (all three platforms issue 7200 s
// tokens and ask callers to cache them: fetching one per message hits the token endpoint's own
// rate limit). Concurrent callers share one refresh; a token the platform calls invalid or
// expired is dropped so the next call fetches a fresh one.
export type TokenFetch =
  { ok: true; token: string; expiresInSeconds: number } | { ok: false; permanent: boolean; detail: string };

export class TokenCache {
  private current: { token: string; expiresAt: number } | undefined;
  private pending: Promise<TokenFetch> | undefined;
  /** How many tokens were fetched (tests check that tokens are reused). */
  fetches = 0;

  constructor(
    private readonly fetchToken: () => Promise<TokenFetch>,
    /** Refresh this long before the platform's expiry, so a token never dies mid-request. */
    private readonly marginMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<TokenFetch> {
    if (this.current && this.current.expiresAt > this.now()) {
      return {
        ok: true,
        token: this.current.token,
        expiresInSeconds: (this.current.expiresAt - this.now()) / 1000,
      };
    }
    this.pending ??= (async () => {
      this.fetches += 1;
      const result = await this.fetchToken();
      if (result.ok) {
        const lifetime = Math.max(1_000, result.expiresInSeconds * 1000 - this.marginMs);
        this.current = { token: result.token, expiresAt: this.now() + lifetime };
      }
      return result;
    })().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** The platform refused this token: forget it (unless a newer one already replaced it). */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }
}
