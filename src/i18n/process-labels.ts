// Display names of process keys (milestones, criteria, approval gates, checklist items, deal-team
// roles, handover documents) in a locale, from the process definition's 中文/English names, so a
// refusal's details (`missing: ['budget_confirmed']`) read as the process owner wrote them.
import { PSM_PROCESS, type Bilingual } from '../../workflows/psm-process';
import { processVersions } from '../../workflows/process-versions';
import { resolveLocale, type TLocale } from './locales';

const isBilingual = (v: unknown): v is Bilingual =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Bilingual).zh === 'string' &&
  typeof (v as Bilingual).en === 'string';

/** Every `{ key, name | label: { zh, en } }` in the definition; the first definition of a key wins. */
function collectLabels(): ReadonlyMap<string, Bilingual> {
  const labels = new Map<string, Bilingual>();
  const seen = new Set<unknown>();
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) return node.forEach(walk);
    const record = node as Record<string, unknown>;
    const label = isBilingual(record.name) ? record.name : isBilingual(record.label) ? record.label : null;
    if (typeof record.key === 'string' && label && !labels.has(record.key)) labels.set(record.key, label);
    Object.values(record).forEach(walk);
  };
  walk(PSM_PROCESS);
  // Deals on older process versions (issue 17) name what only those versions have.
  for (const version of [...processVersions()].reverse()) walk(version.definition);
  return labels;
}

let labels: ReadonlyMap<string, Bilingual> | undefined;
let labelledVersions = 0;

/** The key's name in the locale; a key the definition does not know is shown as given. */
export function processLabel(key: string, locale: TLocale | string): string {
  if (!labels || labelledVersions !== processVersions().length) {
    labels = collectLabels();
    labelledVersions = processVersions().length;
  }
  const label = labels.get(key);
  if (!label) return key;
  return resolveLocale(locale) === 'zh-CN' ? label.zh : label.en;
}
