// The key that signs one-click links. LINK_SECRET when set; otherwise a random secret kept in
// DATA_DIR, so links keep working across restarts of a single-machine install.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir } from '../paths';

export const LINK_SECRET_FILE = 'link-secret';
const MIN_SECRET_LENGTH = 32;

export function loadOrCreateLinkSecret(dataDir: string): string {
  const file = path.join(dataDir, LINK_SECRET_FILE);
  ensurePrivateDir(dataDir);
  if (!fs.existsSync(file)) {
    // Written aside, then linked into place: link() fails if the file exists, so two processes
    // starting together never overwrite each other's secret (that would void mailed links),
    // and nobody ever reads a half-written file.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, randomBytes(32).toString('base64url'), { mode: 0o600 });
    try {
      fs.linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  // Whoever can read it can sign links: owner-only, also for a file an older version wrote.
  if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `${file} holds fewer than ${MIN_SECRET_LENGTH} characters; delete it to generate a new secret (mailed links stop working)`,
    );
  }
  return secret;
}

/** `config.links.secret` wins; without it the data-dir secret is used. */
export function resolveLinkSecret(options: { secret: string | undefined; dataDir: string }): string {
  return options.secret ?? loadOrCreateLinkSecret(options.dataDir);
}
