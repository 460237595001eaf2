import fs from 'node:fs';
import path from 'node:path';

/** The folder holding package.json, whether running from src/ (tsx) or dist/ (compiled). */
export function projectRoot(from = __dirname): string {
  let dir = from;
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

/**
 * Creates `dir` (and missing parents) owner-only, and makes it owner-only if it exists: the data
 * folder holds the database, the link secret and mail with live links, and a folder nobody else
 * may enter protects every file in it, whatever mode a library gave the file. A folder others may
 * only traverse (0711: the embedded PostgreSQL's user must pass through DATA_DIR to its own
 * folder) is kept: they can neither list it nor open a file whose name and mode they do not know.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((fs.statSync(dir).mode & 0o066) !== 0) fs.chmodSync(dir, 0o700);
}

const ownUid = (): number | undefined =>
  typeof process.getuid === 'function' ? process.getuid() : undefined;

/**
 * Owner-only modes for everything under `dir` (folders 0700, files lose group and other bits: 0666
 * becomes 0600), for what was created before (an older version, PGlite's initdb writes 0666
 * files). Symlinks and sockets are left alone, and so is whatever belongs to another user: the
 * embedded PostgreSQL server's folders (DATA_DIR/postgres, DATA_DIR/run) are its user's, 0700.
 */
export function makeTreePrivate(dir: string): void {
  ensurePrivateDir(dir);
  const me = ownUid();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (!entry.isDirectory() && !entry.isFile()) continue;
    const stat = fs.statSync(file);
    if (me !== undefined && stat.uid !== me) continue;
    if (entry.isDirectory()) makeTreePrivate(file);
    else if ((stat.mode & 0o077) !== 0) fs.chmodSync(file, stat.mode & 0o700);
  }
}
