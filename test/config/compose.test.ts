// The production-like stack ships no secret and no demo: docker-compose refuses to render it
// without LINK_SECRET, and the demo seed (which prints admin tokens to the log) is off.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const hasCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
const compose = (env: Record<string, string | undefined>) => {
  const { LINK_SECRET: _drop, DEMO_SEED: _drop2, ...rest } = process.env;
  return spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...rest, ...env } as NodeJS.ProcessEnv,
  });
};

(hasCompose ? describe : describe.skip)('docker-compose.yml', () => {
  it('refuses to render without LINK_SECRET', () => {
    const out = compose({});
    expect(out.status).not.toBe(0);
    expect(out.stderr).toMatch(/set LINK_SECRET/);
  });

  it('passes the given secret to both app services and keeps the demo seed off', () => {
    const out = compose({ LINK_SECRET: 'given-secret-value' });
    expect(out.status).toBe(0);
    expect(out.stdout.match(/LINK_SECRET: given-secret-value/g)).toHaveLength(2);
    expect(out.stdout.match(/DEMO_SEED: ['"]?false['"]?/g)).toHaveLength(2);
    expect(out.stdout).not.toMatch(/DEMO_SEED: ['"]?true/);
  });
});
