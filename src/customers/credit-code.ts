// 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters from the 31-character
// set 0-9 A-H J-N P-R T U W-Y (no I, O, S, V, Z). Character 18 is a check character over the first
// 17: weights 3^(i) mod 31, check = 31 - (sum mod 31), 31 meaning 0.

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export type CreditCodeProblem = 'length' | 'character' | 'check_digit';

/** Trimmed, NFKC (full-width letters and digits become half-width), upper case. */
export function normalizeCreditCode(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

/** The check character for the first 17 characters (which must be from the charset). */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CHARSET.indexOf(first17[i]!) * WEIGHTS[i]!;
  return CHARSET[(31 - (sum % 31)) % 31]!;
}

/** null when `code` (already normalised) is a valid code, else what is wrong with it. */
export function creditCodeProblem(code: string): CreditCodeProblem | null {
  if (code.length !== 18) return 'length';
  for (const ch of code) if (!CHARSET.includes(ch)) return 'character';
  return creditCodeCheckChar(code.slice(0, 17)) === code[17] ? null : 'check_digit';
}

export function isValidCreditCode(raw: string): boolean {
  return creditCodeProblem(normalizeCreditCode(raw)) === null;
}
