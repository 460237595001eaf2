// Versions of the PSM process (issue 17). Each deal runs on one version of the process, kept in
// its state (processVersion; deals started before versions existed run on version 1) and in the
// read model. Everything that reads the definition for a deal reads THAT deal's version
// (definitionOf(deal)): its clocks, criteria, gates, checklists and labels.
//
// What is a new version and what is not:
// - A number (an SLA, a cadence, a delay, an amount, a day-counting rule) is NOT a new version:
//   edit it in psm-process.ts. Versions share the numbers of every milestone they have in common
//   with the latest one (see deriveVersion), so running deals on any version pick the new value up.
// - Inserting, removing, renaming or reordering a milestone, a criterion, a checklist item or a gate
//   IS a new version. Each version records its structure (one line per milestone, below); the test
//   test/workflows/process-versions.test.ts fails when a version's definition no longer has the
//   structure it was made with, i.e. when a structural edit was made in place.
//
// How versions are kept: PSM_PROCESS (psm-process.ts) is always the latest version. An older
// version is kept as the changes that take the NEXT version back to it (`back`, applied by
// deriveVersion), not as a full copy, so the numbers stay in one place. Adding version N+1:
//   1. add { version: N, back: [...] } for the version deals run on today, listing how to undo
//      what you are about to change (insert → removeMilestone, new gate → setGate null, ...);
//   2. edit psm-process.ts;
//   3. add { version: N+1, migration: { from: N, milestones: { ... } } } saying, for a deal
//      sitting at each milestone of N, where it goes (stays / moveTo), which new criteria it must
//      meet at its next completion (mustMeet) and whether its clocks restart (clocks: 'rearm').
//   4. run `npm run process:preview` and the tests (README, "Changing the sales process").
//
// A migration is applied per deal by the migrateProcessVersion Update on its workflow (journalled
// as process_version_migrated), triggered by the process owner through
// POST /api/admin/process-migrations. Deals not migrated keep running on their version.
//
// Pure data and pure lookups, bundled into the workflow sandbox and imported by the API too.

import {
  PSM_PROCESS,
  type ApprovalGateDefinition,
  type Bilingual,
  type KeyedLabel,
  type ProcessDefinition,
  type SalesMilestoneDefinition,
} from './psm-process';

/** What a deal sitting at one milestone (its last reached) of the old version becomes. */
export interface MilestoneMigration {
  /** The milestone of the new version the deal is at afterwards; absent = the same key (stays). */
  readonly moveTo?: string;
  /**
   * Criteria of the milestone it is at afterwards, new in this version, that the deal must
   * report met at its next milestone completion (it reached the milestone without them).
   */
  readonly mustMeet?: readonly string[];
  /** 'keep' (default): stall and follow-up clocks keep their anchors; 'rearm': they restart now. */
  readonly clocks?: 'keep' | 'rearm';
}

export interface ProcessMigration {
  /** The version a deal must be on to take this migration (always the previous one). */
  readonly from: number;
  /**
   * Per milestone key of the old version. Every milestone of the old version must be listed
   * (checkMigration says which are not); `{}` means "stays, clocks kept, nothing new to meet".
   * A deal that reached no milestone yet follows the rule of the old version's first milestone.
   */
  readonly milestones: Readonly<Record<string, MilestoneMigration>>;
}

/** A structural change, used to derive one version from another (see deriveVersion). */
export type ProcessChange =
  | { readonly op: 'insertMilestone'; readonly after: string; readonly milestone: SalesMilestoneDefinition }
  | { readonly op: 'removeMilestone'; readonly key: string }
  | { readonly op: 'setGate'; readonly milestone: string; readonly gate: ApprovalGateDefinition | null }
  | { readonly op: 'addCriterion'; readonly milestone: string; readonly criterion: KeyedLabel }
  | { readonly op: 'removeCriterion'; readonly milestone: string; readonly key: string }
  | { readonly op: 'addChecklistItem'; readonly milestone: string; readonly item: KeyedLabel }
  | { readonly op: 'removeChecklistItem'; readonly milestone: string; readonly key: string };

export interface ProcessVersionSource {
  readonly version: number;
  readonly summary: Bilingual;
  /**
   * How this version differs from the next one (applied to the next version's definition); absent
   * for the latest version, which is PSM_PROCESS. A test may instead give a full definition.
   */
  readonly back?: readonly ProcessChange[];
  readonly definition?: ProcessDefinition;
  /** One line per milestone (and the execution step) as the version was made: see processStructure. */
  readonly structure: readonly string[];
  /** How a deal on the previous version moves onto this one; absent for version 1. */
  readonly migration?: ProcessMigration;
}

export interface ProcessVersion extends ProcessVersionSource {
  readonly definition: ProcessDefinition;
}

// ---- the versions --------------------------------------------------------------------------

const SOURCES: ProcessVersionSource[] = [
  {
    version: 1,
    summary: {
      zh: '六个里程碑（项目立项审批门）：初始版本',
      en: 'Six milestones, an approval gate at project initiation: the first version',
    },
    structure: [
      'project_initiation all [need_clear,value_fit] gate:initiation_approved {understand_background,assess_fit,submit_initiation}',
      'deep_engagement all [decision_structure_mapped,insider_supporter,timeline_budget_known] gate:- {map_organisation,develop_coach,confirm_budget_timeline}',
      'technical_breakthrough_1 all [proposal_delivered,evaluators_confirm_fit] gate:- {technical_exchange,deliver_proposal,review_with_evaluators}',
      'technical_breakthrough_2 any [poc_passed,reference_visit_done,spec_favours_us] gate:- {run_demo_poc,arrange_reference_visit,shape_evaluation_criteria}',
      'business_breakthrough any [invited_to_bid,tender_favours_us,agent_introduced,intelligence_shared,bid_planned_together] gate:- {meet_decision_maker,plan_bid,prepare_quotation}',
      'contract_signed any [contract_stamped] gate:- {prepare_contract_documents,pre_signing_procedure,agent_signs_with_customer,watch_schedule,remind_late_agent,ask_decision_maker_to_press}',
      'execution contract_execution {delivery_handover,satisfaction_check,next_opportunity}',
    ],
  },
];

let versions: ProcessVersion[] = resolve(SOURCES);

/** Builds each version's definition: the latest is PSM_PROCESS, each older one its next with `back` applied. */
function resolve(sources: readonly ProcessVersionSource[]): ProcessVersion[] {
  const sorted = [...sources].sort((a, b) => a.version - b.version);
  const out: ProcessVersion[] = [];
  let next: ProcessDefinition = PSM_PROCESS;
  for (let i = sorted.length - 1; i >= 0; i -= 1) {
    const source = sorted[i] as ProcessVersionSource;
    const definition =
      source.definition ?? (i === sorted.length - 1 ? PSM_PROCESS : deriveVersion(next, source.back ?? []));
    out.unshift({ ...source, definition });
    next = definition;
  }
  return out;
}

/**
 * Adds a version after the latest (tests and fixtures: a workflow bundle that registers one at load,
 * so every workflow in it sees the same list). The version must come with its migration.
 */
export function registerProcessVersion(
  source: ProcessVersionSource & { definition: ProcessDefinition },
): void {
  const latest = latestProcessVersion();
  if (versions.some((v) => v.version === source.version)) return; // loaded twice: the same data
  if (source.version !== latest + 1 || source.migration?.from !== latest)
    throw new Error(`version ${source.version} must follow ${latest} with a migration from ${latest}`);
  versions = [...versions, { ...source, definition: source.definition }];
  const problems = checkMigration(source.version);
  if (problems.length > 0) {
    versions = versions.slice(0, -1);
    throw new Error(`version ${source.version}: ${problems.join('; ')}`);
  }
}

/**
 * Tests only: the version list cut back to the versions up to `version`, as it was when a committed
 * history was recorded (its replay bundle then registers the test's next version after it again,
 * whatever versions were added to this module since).
 */
export function keepProcessVersionsUpTo(version: number): void {
  versions = versions.filter((v) => v.version <= version);
}

export function processVersions(): readonly ProcessVersion[] {
  return versions;
}

export function latestProcessVersion(): number {
  return (versions[versions.length - 1] as ProcessVersion).version;
}

export function processVersion(version: number): ProcessVersion | undefined {
  return versions.find((v) => v.version === version);
}

/** The version a deal runs on: its own, or version 1 for deals started before versions existed. */
export function versionOf(deal: { processVersion?: number | null }): number {
  return deal.processVersion ?? 1;
}

/** The process definition a deal runs on. */
export function definitionOf(deal: { processVersion?: number | null }): ProcessDefinition {
  const found = processVersion(versionOf(deal));
  if (!found) throw new Error(`unknown process version ${String(deal.processVersion)}`);
  return found.definition;
}

// ---- lookups in one definition (milestones by key; positions only for order) -----------------

export function milestoneIndexIn(def: ProcessDefinition, key: string): number {
  return def.milestones.findIndex((m) => m.key === key);
}

export function milestoneIn(def: ProcessDefinition, index: number): SalesMilestoneDefinition | undefined {
  return def.milestones[index];
}

export function lastMilestoneIndexIn(def: ProcessDefinition): number {
  return def.milestones.length - 1;
}

export function checklistIn(def: ProcessDefinition, stepKey: string): readonly KeyedLabel[] | undefined {
  if (stepKey === def.execution.key) return def.execution.checklist;
  return def.milestones.find((m) => m.key === stepKey)?.checklist;
}

/** A criterion's or gate's label in any version (keys are unique across versions). */
export function criterionLabelInAnyVersion(key: string): Bilingual | undefined {
  for (let i = versions.length - 1; i >= 0; i -= 1) {
    for (const m of (versions[i] as ProcessVersion).definition.milestones) {
      const found = m.criteria.find((c) => c.key === key);
      if (found) return found.label;
      if (m.approvalGate?.key === key) return m.approvalGate.label;
    }
  }
  return undefined;
}

/** A milestone's (or the execution step's) name in any version, newest first. */
export function milestoneNameInAnyVersion(key: string): Bilingual | undefined {
  for (let i = versions.length - 1; i >= 0; i -= 1) {
    const def = (versions[i] as ProcessVersion).definition;
    if (def.execution.key === key) return def.execution.name;
    const found = def.milestones.find((m) => m.key === key);
    if (found) return found.name;
  }
  return undefined;
}

// ---- structure and derivation ------------------------------------------------------------------

const keys = (list: readonly KeyedLabel[]) => list.map((entry) => entry.key).join(',');

/** The structure a version is made of: what may not change without a new version. */
export function processStructure(def: ProcessDefinition): string[] {
  return [
    ...def.milestones.map(
      (m) =>
        `${m.key} ${m.rule} [${keys(m.criteria)}] gate:${m.approvalGate?.key ?? '-'} {${keys(m.checklist)}}`,
    ),
    `execution ${def.execution.key} {${keys(def.execution.checklist)}}`,
  ];
}

function mapMilestone(
  def: ProcessDefinition,
  key: string,
  change: (m: SalesMilestoneDefinition) => SalesMilestoneDefinition,
): ProcessDefinition {
  if (milestoneIndexIn(def, key) < 0) throw new Error(`no milestone ${key}`);
  return { ...def, milestones: def.milestones.map((m) => (m.key === key ? change(m) : m)) };
}

/** A definition with structural changes applied, in order; every number not touched is shared. */
export function deriveVersion(def: ProcessDefinition, changes: readonly ProcessChange[]): ProcessDefinition {
  let out = def;
  for (const change of changes) {
    switch (change.op) {
      case 'insertMilestone': {
        const at = milestoneIndexIn(out, change.after);
        if (at < 0) throw new Error(`no milestone ${change.after}`);
        const milestones = [...out.milestones];
        milestones.splice(at + 1, 0, change.milestone);
        out = { ...out, milestones };
        break;
      }
      case 'removeMilestone':
        if (milestoneIndexIn(out, change.key) < 0) throw new Error(`no milestone ${change.key}`);
        out = { ...out, milestones: out.milestones.filter((m) => m.key !== change.key) };
        break;
      case 'setGate':
        out = mapMilestone(out, change.milestone, (m) => ({ ...m, approvalGate: change.gate }));
        break;
      case 'addCriterion':
        out = mapMilestone(out, change.milestone, (m) => ({
          ...m,
          criteria: [...m.criteria, change.criterion],
        }));
        break;
      case 'removeCriterion':
        out = mapMilestone(out, change.milestone, (m) => ({
          ...m,
          criteria: m.criteria.filter((c) => c.key !== change.key),
        }));
        break;
      case 'addChecklistItem':
        out = mapMilestone(out, change.milestone, (m) => ({
          ...m,
          checklist: [...m.checklist, change.item],
        }));
        break;
      case 'removeChecklistItem':
        out = mapMilestone(out, change.milestone, (m) => ({
          ...m,
          checklist: m.checklist.filter((c) => c.key !== change.key),
        }));
        break;
    }
  }
  return out;
}

/** What is wrong with version `to`'s migration from the version before it (empty = nothing). */
export function checkMigration(to: number): string[] {
  const target = processVersion(to);
  if (!target) return [`no version ${to}`];
  if (!target.migration) return to === 1 ? [] : [`version ${to} has no migration`];
  const source = processVersion(target.migration.from);
  if (!source) return [`no version ${target.migration.from} to migrate from`];
  const problems: string[] = [];
  for (const m of source.definition.milestones) {
    const rule = target.migration.milestones[m.key];
    if (!rule) {
      problems.push(`no rule for a deal at ${m.key}`);
      continue;
    }
    const landsAt = rule.moveTo ?? m.key;
    const landed = target.definition.milestones.find((n) => n.key === landsAt);
    if (!landed) {
      problems.push(`${m.key}: version ${to} has no milestone ${landsAt} (say moveTo)`);
      continue;
    }
    for (const key of rule.mustMeet ?? []) {
      if (!landed.criteria.some((c) => c.key === key))
        problems.push(`${m.key}: ${key} is not a criterion of ${landsAt} in version ${to}`);
    }
  }
  for (const key of Object.keys(target.migration.milestones)) {
    if (milestoneIndexIn(source.definition, key) < 0)
      problems.push(`rule for ${key}, which version ${source.version} does not have`);
  }
  return problems;
}
