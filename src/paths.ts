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
 * may enter protects every file in it, whatever mode a library gave the file.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((fs.statSync(dir).mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
}

/**
 * Owner-only modes for everything under `dir` (folders 0700, files lose group and other bits: 0666 becomes 0600), for what was created
 * before (an older version, PGlite's initdb writes 0666 files). Symlinks and sockets are left alone.
 */
export function makeTreePrivate(dir: string): void {
  ensurePrivateDir(dir);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) makeTreePrivate(file);
    else if (entry.isFile()) {
      const mode = fs.statSync(file).mode & 0o777;
      if ((mode & 0o077) !== 0) fs.chmodSync(file, mode & 0o700);
    }
  }
}
