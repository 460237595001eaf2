// The demo organisation's people get passwords printed once beside their tokens, and an operator
// sets anyone's password from the command line; both then sign in over real HTTP.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createDemoPeople } from '../../src/demo/seed-demo';
import { DEMO_USERS } from '../../src/demo/org';
import { startTestApp, type TestApp } from '../support/app';

let app: TestApp;

beforeAll(async () => {
  // Served as https behind a proxy: the session cookies must be Secure.
  app = await startTestApp({ env: { PUBLIC_BASE_URL: 'https://psm.example.test' } });
}, 120_000);
afterAll(async () => {
  await app?.stop();
});

async function signIn(
  email: string,
  password: string,
): Promise<{ status: number; cookie: string; setCookies: string[] }> {
  const res = await fetch(`${app.baseUrl}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': `203.0.113.${randomBytes(1)[0]}` },
    body: JSON.stringify({ email, password }),
  });
  const setCookies = res.headers.getSetCookie();
  const cookie = setCookies.map((c) => c.split(';')[0]).join('; ');
  return { status: res.status, cookie, setCookies };
}

it('prints each demo person a password beside their token, once; only hashes are stored', async () => {
  const { lines } = await createDemoPeople(app.db.prisma);
  const people = lines.filter((l) => /@demo\.psm/.test(l));
  expect(people).toHaveLength(DEMO_USERS.length);
  for (const [i, line] of people.entries()) {
    const [, , email, password, token] = line.split(/\s+/);
    expect(email).toBe(DEMO_USERS[i]!.email);
    expect(password).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
    expect(token).toMatch(/^psm_/);
    const row = await app.db.prisma.user.findUniqueOrThrow({ where: { email } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain(password);
  }
  const passwords = people.map((l) => l.split(/\s+/)[3]);
  expect(new Set(passwords).size).toBe(passwords.length);
  // The rep signs in to the page with the printed password; a wrong one does not.
  const zhang = people.find((l) => l.includes('zhang.rep@demo.psm'))!.split(/\s+/)[3]!;
  const signedIn = await signIn('zhang.rep@demo.psm', zhang);
  expect(signedIn.status).toBe(200);
  expect(signedIn.setCookies).toHaveLength(2);
  for (const c of signedIn.setCookies) expect(c).toMatch(/; SameSite=Lax.*; Secure$/);
  expect((await signIn('zhang.rep@demo.psm', `${zhang}x`)).status).toBe(401);
});

function runCli(args: string[], stdin: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const root = path.resolve(__dirname, '../..');
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/set-password.ts', ...args],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: app.db.url,
          LINK_SECRET: randomBytes(32).toString('hex'),
          DATA_DIR: app.dataDir,
          LOG_LEVEL: 'silent',
        },
        timeout: 60_000,
      },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin);
  });
}

it('user:password sets a password from stdin, ends the sessions, and refuses a weak one', async () => {
  const email = app.org.repA2.email;
  const before = await signIn(email, 'ravi has a long passphrase');
  expect(before.status).toBe(401);

  const weak = await runCli(['--email', email], 'short\n');
  expect(weak.code).not.toBe(0);
  expect(weak.stderr).toContain('PASSWORD_TOO_SHORT');

  const set = await runCli(['--email', email], 'ravi has a long passphrase\n');
  expect(set).toMatchObject({ code: 0, stdout: expect.stringContaining(`password set for ${email}`) });
  const first = await signIn(email, 'ravi has a long passphrase');
  expect(first.status).toBe(200);
  expect((await fetch(`${app.baseUrl}/api/me`, { headers: { Cookie: first.cookie } })).status).toBe(200);

  const generated = await runCli(['--email', email, '--generate'], '');
  expect(generated.code).toBe(0);
  expect(generated.stdout).toContain('1 browser session(s) ended');
  const password = /password \(shown once\): (\S+)/.exec(generated.stdout)![1]!;
  expect((await signIn(email, password)).status).toBe(200);
  expect((await signIn(email, 'ravi has a long passphrase')).status).toBe(401);
}, 120_000);
