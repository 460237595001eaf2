// Is a configured secret strong enough to sign links? Pure functions, used by the config check.
//
// The estimate is deliberately pessimistic and simple: the lowest of these readings, in bits.
// - character frequencies (Shannon entropy of the string, times its length): 'aaaa…' is 0;
// - the shortest repeating unit ('Xk9#Xk9#…' is worth one 'Xk9#'), and more generally the
//   string with every repeat of an earlier run of 3+ characters counted as one back-reference
//   ('Xk9#pQ2!Xk9#pQ2!tail', 'correct horse … correct horse');
// - the steps between neighbouring characters ('abcdef…', '0123…' are one step repeated).
// A random 32-byte secret in base64 (openssl rand -base64 32, 44 characters) reads about 210
// bits, in hex (openssl rand -hex 32, 64 characters) about 240; the bar is 128.

export const MIN_SECRET_BITS = 128;
export const MIN_SECRET_LENGTH = 32;

/** Secrets that were published somewhere (an old compose file, docs) or are placeholders. */
const KNOWN_SECRETS = new Set(['change-me-to-a-long-random-secret-of-32-chars']);
const PLACEHOLDER =
  /change[-_ ]?me|replace[-_ ]?me|your[-_ ]?secret|placeholder|example|dummy|not[-_ ]?secret/i;

function shannonBits(symbols: readonly string[]): number {
  if (symbols.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const s of symbols) counts.set(s, (counts.get(s) ?? 0) + 1);
  let perSymbol = 0;
  for (const count of counts.values()) {
    const p = count / symbols.length;
    perSymbol -= p * Math.log2(p);
  }
  return perSymbol * symbols.length;
}

function shortestPeriod(chars: readonly string[]): number {
  for (let p = 1; p <= chars.length / 2; p++) {
    let repeats = true;
    for (let i = p; i < chars.length && repeats; i++) repeats = chars[i] === chars[i - p];
    if (repeats) return p;
  }
  return chars.length;
}

/** Greedy LZ77 parse: literals cost the string's bits per character, a repeat costs where and how long. */
function repeatAwareBits(chars: readonly string[]): number {
  const literalBits = shannonBits(chars) / chars.length;
  const referenceBits = 2 * Math.log2(chars.length);
  let bits = 0;
  for (let i = 0; i < chars.length;) {
    let longest = 0;
    for (let start = 0; start < i; start++) {
      let n = 0;
      while (i + n < chars.length && chars[start + n] === chars[i + n]) n++;
      longest = Math.max(longest, n);
    }
    if (longest >= 3) {
      bits += referenceBits;
      i += longest;
    } else {
      bits += literalBits;
      i += 1;
    }
  }
  return bits;
}

export function estimateSecretBits(secret: string): number {
  const chars = Array.from(secret);
  if (chars.length === 0) return 0;
  const frequencies = shannonBits(chars);
  const period = shannonBits(chars.slice(0, shortestPeriod(chars)));
  const steps = chars.slice(1).map((c, i) => String(c.codePointAt(0)! - chars[i]!.codePointAt(0)!));
  // The first character is free to choose: a few bits on top of the steps.
  const sequence = shannonBits(steps) + Math.log2(95);
  return Math.min(frequencies, period, repeatAwareBits(chars), sequence);
}

/** Why `secret` must not sign links, or undefined when it may. */
export function linkSecretWeakness(secret: string): string | undefined {
  if (KNOWN_SECRETS.has(secret) || PLACEHOLDER.test(secret)) return 'is a published or placeholder value';
  if (Array.from(secret).length < MIN_SECRET_LENGTH)
    return `must be at least ${MIN_SECRET_LENGTH} characters`;
  const bits = Math.floor(estimateSecretBits(secret));
  if (bits < MIN_SECRET_BITS) return `is too predictable (about ${bits} bits, needs ${MIN_SECRET_BITS})`;
  return undefined;
}
