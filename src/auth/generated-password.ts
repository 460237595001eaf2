// Passwords the system makes up (the demo organisation's, `user:password --generate`): 20 letters
// and digits from an alphabet without look-alikes (no 0/O, 1/l/I), in groups of five for reading
// aloud: about 116 bits, far past the policy.
import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function generatePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = '';
    for (let i = 0; i < 5; i++) group += ALPHABET[randomInt(ALPHABET.length)]!;
    groups.push(group);
  }
  return groups.join('-');
}
