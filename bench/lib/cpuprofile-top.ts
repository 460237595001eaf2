// Summarises a V8 .cpuprofile (node --cpu-prof): the functions with the most self time, and the
// share of time per package/area, so a profile can be read in a terminal or pasted into a note.
//   npx tsx bench/lib/cpuprofile-top.ts <file.cpuprofile> [top=25] [skip-first-seconds=0]
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a frame belongs: a node_modules package, our src/ folder, node itself, or V8. */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const src = url.match(/\/(src|workflows|activities)\/([^/]+)/);
  if (src) return `${src[1]}/${src[2]}`;
  return url.split('/').slice(-2).join('/');
}

/** `skipMs`: leave out the first milliseconds of the profile (start-up: bundling, module loading). */
export function summarise(profile: Profile, top = 25, skipMs = 0): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    if (at < skipMs * 1000) continue;
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = profile.endTime - profile.startTime - skipMs * 1000;
  const fns = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const f = n.callFrame;
    const file = f.url ? f.url.replace(/^.*node_modules\//, '').replace(/^.*\/work\/main\//, '') : '';
    const key = `${f.functionName || '(anonymous)'} ${file}${file ? `:${f.lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const area = areaOf(f.url, f.functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const idle =
    (self.get([...byId.values()].find((n) => n.callFrame.functionName === '(idle)')?.id ?? -1) ?? 0) / 1000;
  const busy = total / 1000 - idle;
  const pct = (us: number) => ((100 * us) / 1000 / busy).toFixed(1).padStart(5);
  const lines = [
    `profile ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1000).toFixed(1)} s (idle ${(idle / 1000).toFixed(1)} s); % of busy time`,
    'self time by area:',
    ...[...areas]
      .filter(([a]) => a !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([a, us]) => `  ${pct(us)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${a}`),
    `top ${top} functions by self time:`,
    ...[...fns]
      .filter(([k]) => !k.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `  ${pct(us)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`),
  ];
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('cpuprofile-top.ts')) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: tsx bench/lib/cpuprofile-top.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  console.log(summarise(profile, Number(process.argv[3] ?? 25), Number(process.argv[4] ?? 0) * 1000));
}
