// Failed sign-ins, counted per account (the email as typed, lower-cased, whether or not such a
// user exists, so the limit itself says nothing about existence) and per client address. Either
// over its limit refuses the next attempt before any password is checked.
//
// In memory, a fixed window per key (as the API's token-guessing limit): a sign-in needs no
// database write to be counted, so failed attempts leave no trace an attacker could grow, and
// refusals cost nothing. Several API processes each keep their own counts: the effective limit
// is then the limit times the processes, still a few guesses per minute per account.
import { LRUCache } from 'lru-cache';

export interface SignInLimiterOptions {
  perAccount: number;
  perAddress: number;
  windowMs: number;
  now?: () => number;
}

export interface SignInLimiter {
  /** Seconds to wait when the account or the address is over its limit; undefined otherwise. */
  retryAfter(account: string, address: string): number | undefined;
  recordFailure(account: string, address: string): void;
  /** A successful sign-in clears the account's count (not the address's). */
  recordSuccess(account: string): void;
}

export function createSignInLimiter(options: SignInLimiterOptions): SignInLimiter {
  const now = options.now ?? Date.now;
  const windows = new LRUCache<string, { count: number; resetAt: number }>({ max: 100_000 });
  const current = (key: string) => {
    const w = windows.get(key);
    return w && w.resetAt > now() ? w : undefined;
  };
  const bump = (key: string) => {
    const w = current(key);
    if (w) w.count += 1;
    else windows.set(key, { count: 1, resetAt: now() + options.windowMs });
  };
  const wait = (key: string, limit: number) => {
    const w = current(key);
    return w && w.count >= limit ? Math.max(1, Math.ceil((w.resetAt - now()) / 1000)) : undefined;
  };
  const accountKey = (a: string) => `account:${a.trim().toLowerCase()}`;
  return {
    retryAfter(account, address) {
      const waits = [
        wait(accountKey(account), options.perAccount),
        wait(`address:${address}`, options.perAddress),
      ].filter((w): w is number => w !== undefined);
      return waits.length ? Math.max(...waits) : undefined;
    },
    recordFailure(account, address) {
      bump(accountKey(account));
      bump(`address:${address}`);
    },
    recordSuccess(account) {
      windows.delete(accountKey(account));
    },
  };
}
