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
