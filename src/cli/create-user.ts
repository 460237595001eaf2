// npm run user:create -- --name "王芳" --email wang@example.com --role rep [--manager boss@example.com] [--locale en] [--ttl-days 365]
// Creates the user (or finds them by email) and issues an API token, printed once.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { startDatabase } from '../bootstrap/database';
import { issueApiToken } from '../auth/api-tokens';
import { ZCreateUserSchema } from '../users/schemas';
import { createUser } from '../users/users';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      name: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      manager: { type: 'string' },
      locale: { type: 'string' },
      'ttl-days': { type: 'string' },
      label: { type: 'string' },
    },
  });
  const config = loadConfig();
  const db = await startDatabase(config, { migrate: true });
  try {
    const existing = values.email
      ? await db.prisma.user.findUnique({ where: { email: values.email.toLowerCase() } })
      : null;
    let userId = existing?.id;
    if (!userId) {
      const manager = values.manager
        ? await db.prisma.user.findUnique({ where: { email: values.manager.toLowerCase() } })
        : null;
      if (values.manager && !manager) throw new Error(`--manager: no user with email ${values.manager}`);
      const parsed = ZCreateUserSchema.safeParse({
        name: values.name,
        email: values.email,
        role: values.role,
        locale: values.locale ?? 'zh-CN',
        managerId: manager?.id ?? null,
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new Error(`--${String(issue.path[0])}: ${issue.message}`);
      }
      userId = (await createUser(db.prisma, parsed.data)).id;
      console.log(`created user ${parsed.data.email} (${parsed.data.role}) id=${userId}`);
    } else {
      console.log(`user ${values.email} exists, id=${userId}`);
    }
    const ttl = values['ttl-days'] ? Number(values['ttl-days']) : 365;
    if (!Number.isInteger(ttl) || ttl < 1) throw new Error('--ttl-days: must be a whole number of days');
    const token = await issueApiToken(db.prisma, { userId, label: values.label ?? 'cli', ttlDays: ttl });
    console.log(`token (shown once): ${token.token}`);
  } finally {
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`user:create: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
