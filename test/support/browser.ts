// Which Chromium the browser tests drive: CHROMIUM_PATH, else the machine's own (/usr/bin/chromium
// and friends), else the headless-shell build inside the `@sparticuz/chromium` npm package (a
// devDependency), so `npm install && npm test` needs no apt. That package unpacks its binary and
// fonts into os.tmpdir() on first use (about 2 s, then reused) and runs whatever `chromium` it
// finds there; so it gets a private temp dir of ours (node_modules/.cache), not the shared /tmp
// where another account could leave a file of that name.
// HIDE_SYSTEM_DEPS=1 skips the machine's browsers (.ci/run tests the registry path with it).
//
// Fonts: the package brings its own small set (Latin, no CJK). Chromium still uses the machine's
// fontconfig, so Chinese text renders when a CJK font is installed (fonts-noto-cjk on Debian);
// without one, screenshots show boxes for Chinese, and nothing the tests assert on changes
// (they read the DOM, not pixels).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const SYSTEM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Flags every launch gets: no sandbox (tests run as root), nothing that phones home. */
const COMMON_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumChoice {
  executablePath: string;
  source: 'CHROMIUM_PATH' | 'system' | '@sparticuz/chromium';
  args: string[];
}

export async function findChromium(): Promise<ChromiumChoice> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return { executablePath: fromEnv, source: 'CHROMIUM_PATH', args: ['--headless', ...COMMON_ARGS] };
  }
  if (process.env.HIDE_SYSTEM_DEPS !== '1') {
    const system = SYSTEM_CANDIDATES.find((candidate) => fs.existsSync(candidate));
    if (system) return { executablePath: system, source: 'system', args: ['--headless', ...COMMON_ARGS] };
  }
  // In a child process: TMPDIR must reach the package's os.tmpdir(), and jest gives a test file
  // its own copy of process.env.
  const unpackDir = path.resolve(__dirname, '../../node_modules/.cache/sparticuz-chromium');
  fs.mkdirSync(unpackDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(unpackDir, 0o700);
  const unpack = [
    "const c = require('@sparticuz/chromium');",
    'c.setGraphicsMode = false;', // no SwiftShader/WebGL: the page needs none
    'c.executablePath().then((p) => process.stdout.write(p));',
  ].join(' ');
  const executablePath = execFileSync(process.execPath, ['-e', unpack], {
    cwd: path.resolve(__dirname, '../..'),
    env: { ...process.env, TMPDIR: unpackDir },
    encoding: 'utf8',
  }).trim();
  if (path.dirname(executablePath) !== unpackDir) {
    throw new Error(`@sparticuz/chromium unpacked to ${executablePath}, not into ${unpackDir}`);
  }
  return {
    executablePath,
    source: '@sparticuz/chromium',
    // its build is chrome-headless-shell; --no-zygote keeps it from forking a sandbox helper
    args: [...COMMON_ARGS, '--no-zygote'],
  };
}

/** A headless Chromium; launch() gives it a fresh temporary profile and removes it on close. */
export async function launchChromium(): Promise<Browser> {
  const choice = await findChromium();
  return chromium.launch({ executablePath: choice.executablePath, headless: true, args: choice.args });
}
