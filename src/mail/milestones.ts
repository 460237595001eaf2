// Display names for process keys, from the process definition (workflows/psm-process.ts), so a
// process owner's rename shows up in mail without touching the templates.
import {
  PSM_PROCESS,
  criterionLabel as processCriterionLabel,
  type Bilingual,
} from '../../workflows/psm-process';
import type { TMailLocale } from './locale';

const pick = (label: Bilingual, locale: TMailLocale): string => (locale === 'zh-CN' ? label.zh : label.en);

const STEP_NAMES: ReadonlyMap<string, Bilingual> = new Map(
  [...PSM_PROCESS.milestones, PSM_PROCESS.execution].map((step) => [step.key, step.name] as const),
);

/** An unknown key (e.g. a deal on a milestone since removed) is shown as-is rather than failing the mail. */
export function milestoneName(key: string, locale: TMailLocale): string {
  const name = STEP_NAMES.get(key);
  return name ? pick(name, locale) : key;
}

/** DealFacts.missingCriteria holds criterion (or approval-gate) keys; unknown ones are shown as given. */
export function criterionLabel(key: string, locale: TMailLocale): string {
  const label = processCriterionLabel(key);
  return label ? pick(label, locale) : key;
}
