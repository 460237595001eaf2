// Which Chromium the browser tests drive: CHROMIUM_PATH, else the machine's own (/usr/bin/chromium
// and friends), else the headless-shell build inside the `@sparticuz/chromium` npm package (a
// devDependency), so `npm install && npm test` needs no apt. That package unpacks its binary,
// fonts and SwiftShader into os.tmpdir() on first use (about 2 s, then reused).
// HIDE_SYSTEM_DEPS=1 skips the machine's browsers (.ci/run tests the registry path with it).
//
// Fonts: the package brings its own small set (Latin, no CJK). Chromium still uses the machine's
// fontconfig, so Chinese text renders when a CJK font is installed (fonts-noto-cjk on Debian);
// without one, screenshots show boxes for Chinese, and nothing the tests assert on changes
// (they read the DOM, not pixels).
import fs from 'node:fs';
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
  const packaged = (await import('@sparticuz/chromium')).default;
  packaged.setGraphicsMode = false; // no SwiftShader/WebGL: the page needs none
  return {
    executablePath: await packaged.executablePath(),
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
