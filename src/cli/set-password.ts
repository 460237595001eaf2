// npm run user:password -- --email wang@example.com [--generate]
// Sets a user's password: typed twice at a hidden prompt, or generated and printed once with
// --generate. Every browser session of the user ends (API tokens are not touched).
import { parseArgs } from 'node:util';
import readline from 'node:readline';
import { loadConfig } from '../config';
import { startDatabase } from '../bootstrap/database';
import { AppError } from '../errors/app-error';
import { generatePassword } from '../auth/generated-password';
import { assertPasswordAcceptable } from '../auth/password-policy';
import { hashPassword } from '../auth/passwords';
import { revokeSessions } from '../auth/sessions';

/** Reads a line without echoing it (a terminal), or plainly (a pipe: `echo pw | npm run ...`). */
async function readHidden(prompt: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
  let prompted = false;
  out._writeToOutput = (s: string) => {
    if (!prompted) {
      prompted = true;
      process.stdout.write(s);
    }
  };
  try {
    return await new Promise<string>((resolve) => rl.question(prompt, resolve));
  } finally {
    rl.close();
    process.stdout.write('\n');
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, generate: { type: 'boolean', default: false } },
  });
  if (!values.email) throw new Error('--email: required');
  const email = values.email.trim().toLowerCase();
  let password: string;
  if (values.generate) {
    password = generatePassword();
  } else if (!process.stdin.isTTY) {
    // Piped: the first line is the password (for provisioning scripts).
    const lines = readline.createInterface({ input: process.stdin });
    password = (await lines[Symbol.asyncIterator]().next()).value ?? '';
    lines.close();
  } else {
    password = await readHidden('New password: ');
    if ((await readHidden('Repeat it: ')) !== password) throw new Error('the two passwords differ');
  }
  try {
    assertPasswordAcceptable(password, email);
  } catch (err) {
    if (err instanceof AppError) throw new Error(`${err.code}: ${err.message}`);
    throw err;
  }
  const config = loadConfig();
  const db = await startDatabase(config, { migrate: true });
  try {
    const user = await db.prisma.user.findUnique({ where: { email } });
    if (!user) throw new Error(`--email: no user with email ${email}`);
    await db.prisma.user.update({
      where: { id: user.id },
      data: { passwordHash: await hashPassword(password), passwordChangedAt: new Date() },
    });
    const ended = await revokeSessions(db.prisma, { userId: user.id });
    console.log(`password set for ${email}; ${ended.length} browser session(s) ended`);
    if (values.generate) console.log(`password (shown once): ${password}`);
  } finally {
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`user:password: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
