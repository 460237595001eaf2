import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LINK_SECRET_FILE, loadOrCreateLinkSecret, resolveLinkSecret } from '../../src/links/secret';

describe('link secret', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-secret-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates a random secret in the data dir once, readable only by its owner, and keeps it', () => {
    const dataDir = path.join(dir, 'data');
    const first = loadOrCreateLinkSecret(dataDir);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(path.join(dataDir, LINK_SECRET_FILE)).mode & 0o077).toBe(0);
    expect(loadOrCreateLinkSecret(dataDir)).toBe(first);
    const other = path.join(dir, 'other');
    expect(loadOrCreateLinkSecret(other)).not.toBe(first);
    expect(fs.readdirSync(dataDir)).toEqual([LINK_SECRET_FILE]);
  });

  it('makes an existing data dir and secret file owner-only (older versions left them 0755 / 0644)', () => {
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.chmodSync(dataDir, 0o755);
    const file = path.join(dataDir, LINK_SECRET_FILE);
    fs.writeFileSync(file, 'x9F2mQ7vL0pR4tW8yB1nC6sD3hJ5kG-_AeIoU');
    fs.chmodSync(file, 0o644);
    loadOrCreateLinkSecret(dataDir);
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('prefers LINK_SECRET and refuses a truncated file', () => {
    expect(resolveLinkSecret({ secret: 's'.repeat(32), dataDir: dir })).toBe('s'.repeat(32));
    expect(fs.existsSync(path.join(dir, LINK_SECRET_FILE))).toBe(false);
    fs.writeFileSync(path.join(dir, LINK_SECRET_FILE), 'short');
    expect(() => loadOrCreateLinkSecret(dir)).toThrow(/fewer than 32/);
  });
});
