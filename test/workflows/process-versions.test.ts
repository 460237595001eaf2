// The version list (workflows/process-versions.ts): each version still has the structure it was made
// with (a structural edit in place fails here), every migration covers every milestone, and the
// version helpers derive and look up by key. Pure logic: no Temporal.

import {
  checkMigration,
  definitionOf,
  deriveVersion,
  milestoneIndexIn,
  processStructure,
  processVersions,
} from '../../workflows/process-versions';
import { PSM_PROCESS, type ProcessDefinition } from '../../workflows/psm-process';
import { processLabel } from '../../src/i18n/process-labels';
import { registerTestProcessV2, TEST_V2_DEFINITION } from './fixtures/process-version-v2';

test.each(processVersions().map((v) => [v.version, v] as const))(
  'version %i still has the structure it was made with',
  (_version, v) => {
    // Inserting, removing, renaming or reordering a milestone, criterion, checklist item or gate is
    // a new version (README, "Changing the sales process"), never an edit of this one.
    expect(processStructure(v.definition)).toEqual([...v.structure]);
  },
);

test('the latest version is the definition in psm-process.ts', () => {
  const latest = processVersions().at(-1);
  expect(latest?.definition).toBe(PSM_PROCESS);
});

test.each(processVersions().map((v) => v.version))(
  'the migration onto version %i covers every milestone',
  (v) => {
    expect(checkMigration(v)).toEqual([]);
  },
);

test('a deal without a version runs on version 1', () => {
  expect(definitionOf({})).toBe(processVersions()[0]?.definition);
  expect(() => definitionOf({ processVersion: 99 })).toThrow(/unknown process version 99/);
});

test('deriving a version inserts by key and shares every number it does not touch', () => {
  const latest = PSM_PROCESS as ProcessDefinition;
  const tb1 = milestoneIndexIn(latest, 'technical_breakthrough_1');
  expect(milestoneIndexIn(TEST_V2_DEFINITION, 'test_solution_review')).toBe(tb1 + 1);
  // What followed 技术突破1 in the latest (技术突破2 today; a milestone a process owner inserted there
  // otherwise) now follows the inserted one.
  const afterTb1 = latest.milestones[tb1 + 1]?.key ?? 'none';
  expect(milestoneIndexIn(TEST_V2_DEFINITION, afterTb1)).toBe(tb1 + 2);
  expect(TEST_V2_DEFINITION.milestones[tb1]).toBe(latest.milestones[tb1]);
  // Back to the latest: its own gate at 商务突破, whatever it is (none today; walk-through 2 adds one).
  const latestGate = latest.milestones.find((m) => m.key === 'business_breakthrough')?.approvalGate ?? null;
  const back = deriveVersion(TEST_V2_DEFINITION, [
    { op: 'removeMilestone', key: 'test_solution_review' },
    { op: 'setGate', milestone: 'business_breakthrough', gate: latestGate },
    { op: 'removeCriterion', milestone: 'deep_engagement', key: 'test_executive_visit_done' },
  ]);
  expect(processStructure(back)).toEqual(processStructure(PSM_PROCESS));
  expect(() => deriveVersion(PSM_PROCESS, [{ op: 'removeMilestone', key: 'nope' }])).toThrow(
    /no milestone nope/,
  );
});

test('labels name what only another version has (reports and refusals of deals on it)', () => {
  registerTestProcessV2();
  expect(processLabel('test_solution_review', 'zh-CN')).toBe('方案评审');
  expect(processLabel('test_commercial_terms_approved', 'en')).toBe(
    'Commercial terms approved by the company',
  );
  expect(processLabel('project_initiation', 'zh-CN')).toBe('项目立项');
});
