// Passwords: argon2id through @node-rs/argon2 (chosen by measurement, see the commit that added it).
// The PHC string keeps the algorithm, cost and the per-user random salt beside the hash, so a
// later cost change verifies old hashes and rehashes them at the next sign-in.
import { hash, verify, type Options } from '@node-rs/argon2';

/** OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane (~8 ms per hash on our 2-core machines). */
export const PASSWORD_HASH_OPTIONS = {
  // Algorithm.Argon2id: the package's enum is an ambient const enum, which isolatedModules cannot read.
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const satisfies Options;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PASSWORD_HASH_OPTIONS);
}

/** False for a wrong password and for anything that is not one of our hashes; never throws. */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

/** Whether a stored hash was made with weaker (or other) parameters than today's. */
export function needsRehash(phc: string): boolean {
  const { memoryCost, timeCost, parallelism } = PASSWORD_HASH_OPTIONS;
  return !phc.startsWith(`$argon2id$v=19$m=${memoryCost},t=${timeCost},p=${parallelism}$`);
}

let dummy: Promise<string> | undefined;

/**
 * Verifies `password` against a hash nobody's password matches, so a sign-in for an unknown email
 * (or a user without a password) costs the same time as a wrong password for a real one.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword(`dummy-${Math.random()}-${Date.now()}`);
  await verifyPassword(await dummy, password);
  return false;
}
