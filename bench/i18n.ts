// npm run bench:i18n — the message library on our workload: the mail templates' strings (every
// message of the `mail` catalog: the layout's labels, each template's subject, heading and
// sentences, with their real parameters) rendered BENCH_RENDERS times in turn (default 100,000
// messages, zh-CN and en alternating), with i18next (what we ship),
// intl-messageformat (FormatJS's ICU formatter, the alternative) over the same catalog converted to
// ICU syntax, and a bare baseline of template literals (what the templates were before catalogs).
// intl-messageformat is not a dependency (we chose i18next); to compare, install it for the run:
//   npm install --no-save intl-messageformat@10.7.16 && npm run bench:i18n
// Then the browser cost: each library alone and with our catalogs, bundled by esbuild (minified, as
// the page is) and gzipped.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import i18next from 'i18next';
import { CATALOGS, translator, type Catalog } from '../src/i18n';

// Not a dependency, so typecheck must not need it: imported by a name the compiler does not resolve.
const IMF: string = 'intl-messageformat';
type IntlMessageFormatClass = new (message: string, locale: string) => { format(values: object): unknown };

const RENDERS = Number(process.env.BENCH_RENDERS ?? 100_000);
const LOCALES = ['zh-CN', 'en'] as const;
type Locale = (typeof LOCALES)[number];

/** Flattened mail catalog: dotted key -> i18next message, plural forms kept as key_one/key_other. */
function flatten(catalog: Catalog, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [k, v] of Object.entries(catalog)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out[key] = v;
    else flatten(v, key, out);
  }
  return out;
}

/** The same messages in ICU syntax: {{x}} -> {x}; key_one/key_other -> one plural message. */
function toIcu(flat: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const plurals = new Map<string, Record<string, string>>();
  for (const [key, message] of Object.entries(flat)) {
    const icu = message.replace(/'/g, "''").replace(/{{\s*(\w+)\s*}}/g, '{$1}');
    const plural = /^(.*)_(zero|one|two|few|many|other)$/.exec(key);
    if (plural) plurals.set(plural[1]!, { ...plurals.get(plural[1]!), [plural[2]!]: icu });
    else out[key] = icu;
  }
  for (const [key, forms] of plurals) {
    const arms = Object.entries(forms).map(([form, m]) => `${form} {${m.replace(/{count}/g, '#')}}`);
    out[key] = `{count, plural, ${arms.join(' ')}}`;
  }
  return out;
}

const params = {
  name: 'Smart Grid Phase II',
  account: 'Huadong Power',
  stage: '技术突破2',
  daysInStage: 17,
  what: '里程碑审批 · 技术突破2',
  requester: 'Rep Zhang',
  approver: 'Manager Li',
  decider: 'Director Wu',
  requestedAt: '2026-03-02 14:30 GMT+8',
  status: '已批准',
  kind: '里程碑审批',
  milestone: '技术突破2',
  count: 17,
};

const flat: Record<Locale, Record<string, string>> = {
  'zh-CN': flatten(CATALOGS['zh-CN'].mail),
  en: flatten(CATALOGS.en.mail),
};
// The keys one mail renders: every message once (plurals once, by their base key).
const keys = [...new Set(Object.keys(flat.en).map((k) => k.replace(/_(one|other)$/, '')))];

/** Renders message `i % keys.length` in locale `locale`; returns its length (kept, so nothing is optimised away). */
type Render = (locale: Locale, index: number) => number;

function time(label: string, render: Render): number {
  let chars = 0;
  const run = (n: number) => {
    for (let i = 0; i < n; i++) chars += render(LOCALES[Math.floor(i / keys.length) % 2]!, i % keys.length);
  };
  run(5_000); // warm-up
  chars = 0;
  const started = process.hrtime.bigint();
  run(RENDERS);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(
    `${label.padEnd(28)} ${ms.toFixed(0).padStart(6)} ms  ${((ms * 1000) / RENDERS).toFixed(2).padStart(7)} µs/message  (${chars} chars)`,
  );
  return ms;
}

async function gzippedBundle(contents: string): Promise<number> {
  const result = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  return gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length;
}

async function main(): Promise<void> {
  console.log(
    `rendering ${RENDERS} messages (the ${keys.length} of the mail catalog in turn), zh-CN and en alternating\n`,
  );

  // Bare baseline: what the templates were before catalogs, a template literal per message (here a
  // closure per message joining its pre-split text and parameters).
  const bare: Record<Locale, Array<(p: typeof params) => string>> = {
    'zh-CN': keys.map((k) => {
      const m = flat['zh-CN'][k] ?? flat['zh-CN'][`${k}_other`]!;
      const parts = m.split(/{{\s*(\w+)\s*}}/);
      return (p) => parts.map((s, i) => (i % 2 ? String(p[s as keyof typeof p]) : s)).join('');
    }),
    en: keys.map((k) => {
      const m = flat.en[k] ?? flat.en[`${k}_other`]!;
      const parts = m.split(/{{\s*(\w+)\s*}}/);
      return (p) => parts.map((s, i) => (i % 2 ? String(p[s as keyof typeof p]) : s)).join('');
    }),
  };
  const bareMs = time('bare literals', (l, i) => bare[l][i]!(params).length);

  const instance = i18next.createInstance();
  await instance.init({
    resources: { 'zh-CN': { mail: CATALOGS['zh-CN'].mail }, en: { mail: CATALOGS.en.mail } },
    lng: 'zh-CN',
    fallbackLng: 'zh-CN',
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  const fixed = { 'zh-CN': instance.getFixedT('zh-CN', 'mail'), en: instance.getFixedT('en', 'mail') };
  const i18nextMs = time('i18next getFixedT', (l, i) => String(fixed[l](keys[i]!, params)).length);
  time(
    'i18next instance.t',
    (l, i) => String(instance.t(keys[i]!, { ...params, lng: l, ns: 'mail' })).length,
  );
  const ours = { 'zh-CN': translator('zh-CN', 'mail'), en: translator('en', 'mail') };
  // As the templates call it: labels without parameters, sentences with only their own.
  const own = keys.map((k) => {
    const names = [...(flat.en[k] ?? flat.en[`${k}_other`]!).matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]!);
    return names.length
      ? Object.fromEntries(names.map((n) => [n, params[n as keyof typeof params]]))
      : undefined;
  });
  const oursMs = time('src/i18n translator', (l, i) => ours[l](keys[i]!, own[i]).length);

  const sizes = {
    'i18next alone': await gzippedBundle(
      `import i18next from 'i18next'; console.log(i18next.createInstance());`,
    ),
    'src/i18n (i18next + every catalog)': await gzippedBundle(
      `import { translator } from './src/i18n'; console.log(translator('en', 'mail')('common.deal'));`,
    ),
  };
  console.log('\nbrowser bundle, esbuild --minify, gzip -9:');
  for (const [label, bytes] of Object.entries(sizes))
    console.log(`  ${label.padEnd(36)} ${(bytes / 1024).toFixed(1).padStart(6)} kB`);
  const imf = (await import(IMF).catch(() => null)) as { IntlMessageFormat: IntlMessageFormatClass } | null;
  if (!imf) {
    console.log('\n(intl-messageformat not installed: npm install --no-save intl-messageformat@10.7.16)');
    return;
  }
  const { IntlMessageFormat } = imf;
  const imfBytes = await gzippedBundle(
    `import { IntlMessageFormat } from '${IMF}'; console.log(IntlMessageFormat);`,
  );
  console.log(`  ${'intl-messageformat alone'.padEnd(36)} ${(imfBytes / 1024).toFixed(1).padStart(6)} kB`);
  const icu = { 'zh-CN': toIcu(flat['zh-CN']), en: toIcu(flat.en) };
  const compiled: Record<Locale, Array<{ format(values: object): unknown }>> = {
    'zh-CN': keys.map((k) => new IntlMessageFormat(icu['zh-CN'][k]!, 'zh-CN')),
    en: keys.map((k) => new IntlMessageFormat(icu.en[k]!, 'en')),
  };
  const imfMs = time('intl-messageformat', (l, i) => String(compiled[l][i]!.format(params)).length);
  const over = (ms: number) => (((ms - bareMs) * 1000) / RENDERS).toFixed(2);
  console.log(
    `\nper message over bare: i18next getFixedT +${over(i18nextMs)} µs, src/i18n translator +${over(oursMs)} µs, intl-messageformat +${over(imfMs)} µs (a mail renders ~${keys.length / 2} of them)`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
