// What a new password must be: long enough, not the email (or its name part), not one of the
// passwords every guessing list starts with. Each refusal has its own code, for the page to word.
import { AppError } from '../errors/app-error';

export const PASSWORD_MIN_LENGTH = 10;
/** argon2 takes any length; this bounds the work a hostile 1 MB "password" could ask for. */
export const PASSWORD_MAX_LENGTH = 256;

// The head of the breached-password lists (and their obvious local variants) that pass the length rule.
const COMMON = new Set([
  '1234567890',
  '0123456789',
  '12345678910',
  '1234567890a',
  'qwertyuiop',
  'qwertyuiop123',
  'asdfghjkl;',
  '1q2w3e4r5t',
  '1qaz2wsx3edc',
  'password12',
  'password123',
  'password1234',
  'passw0rd123',
  'iloveyou123',
  'abcdefghij',
  'abc1234567',
  'a123456789',
  'qwerty12345',
  'woaini1314',
  'woaini520',
  '5201314520',
  'aaaaaaaaaa',
  'administrator',
  'admin12345',
  'admin123456',
  'changeme123',
  'welcome123',
  'letmein123',
]);

function isTrivial(password: string): boolean {
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return true;
  // One character repeated, or one short run repeated ("abcabcabca", "1212121212").
  for (let period = 1; period <= 3; period++) {
    if ([...lower].every((c, i) => c === lower[i % period])) return true;
  }
  // A straight run up or down the character table ("abcdefghijk", "9876543210").
  const codes = [...lower].map((c) => c.codePointAt(0)!);
  const steps = new Set(codes.slice(1).map((c, i) => c - codes[i]!));
  return steps.size === 1 && [...steps].every((s) => Math.abs(s) === 1);
}

/** Throws the refusal (422) for a password the policy does not accept. */
export function assertPasswordAcceptable(password: string, email: string): void {
  if ([...password].length < PASSWORD_MIN_LENGTH) {
    throw new AppError('PASSWORD_TOO_SHORT', `a password needs at least ${PASSWORD_MIN_LENGTH} characters`, {
      minLength: PASSWORD_MIN_LENGTH,
    });
  }
  if ([...password].length > PASSWORD_MAX_LENGTH) {
    throw new AppError('PASSWORD_TOO_LONG', `a password has at most ${PASSWORD_MAX_LENGTH} characters`, {
      maxLength: PASSWORD_MAX_LENGTH,
    });
  }
  const lower = password.toLowerCase();
  const address = email.toLowerCase();
  const name = address.split('@')[0] ?? '';
  if (lower.includes(address) || (name.length >= 4 && lower.includes(name))) {
    throw new AppError('PASSWORD_CONTAINS_EMAIL', 'a password must not contain the email address');
  }
  if (isTrivial(password)) {
    throw new AppError('PASSWORD_TOO_COMMON', 'this password is among the first any attacker tries');
  }
}
