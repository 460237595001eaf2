// The process definition's invariants and the working-day arithmetic: pure, no server. A process
// owner who edits psm-process.ts runs this first.

import {
  ACTIVITY_KINDS,
  LAST_MILESTONE_INDEX,
  PSM_PROCESS,
  STAKEHOLDER_STANCES,
  checklistOf,
  criterionLabel,
  isSponsorOrBetter,
  milestoneIndexOf,
  type SalesMilestoneDefinition,
} from '../../workflows/psm-process';
import { addWorkingDays, isWorkingDay } from '../../workflows/working-days';

const { milestones } = PSM_PROCESS;

describe('the PSM process definition', () => {
  // The seed's six milestones, in order. A process owner may insert more between them (a new
  // process version, README "Changing the sales process"), so the checks pick the seed's by key.
  const SEED: [string, string, number, 'all' | 'any'][] = [
    ['project_initiation', '项目立项', 5, 'all'],
    ['deep_engagement', '深度接触', 10, 'all'],
    ['technical_breakthrough_1', '技术突破1', 25, 'all'],
    ['technical_breakthrough_2', '技术突破2', 50, 'any'],
    ['business_breakthrough', '商务突破', 75, 'any'],
    ['contract_signed', '合同签订', 100, 'any'],
  ];
  const seedKeys = SEED.map(([key]) => key);
  const seedMilestones = () => milestones.filter((m) => seedKeys.includes(m.key));

  test('has the six milestones of ../shared/PRODUCT.md in order, with their win %, then contract execution', () => {
    expect(seedMilestones().map((m) => [m.key, m.name.zh, m.winPct])).toEqual(
      SEED.map(([key, zh, pct]) => [key, zh, pct]),
    );
    expect(milestones.at(0)?.key).toBe('project_initiation');
    expect(milestones.at(-1)?.key).toBe('contract_signed'); // signing wins the deal
    expect(LAST_MILESTONE_INDEX).toBe(milestones.length - 1);
    expect(PSM_PROCESS.execution.key).toBe('contract_execution');
  });

  test('win % rises strictly and signing means 100', () => {
    const pcts = milestones.map((m) => m.winPct);
    pcts.slice(1).forEach((pct, i) => expect(pct).toBeGreaterThan(pcts[i] ?? 0));
    expect(pcts.at(-1)).toBe(100);
  });

  test('criteria rules follow ../shared/PRODUCT.md: all for the first three, any one after', () => {
    expect(seedMilestones().map((m) => m.rule)).toEqual(SEED.map(([, , , rule]) => rule));
    // Not pinned to counts: a process owner may add a criterion (a logic change for running deals
    // at that milestone, see README "Changing the sales process"); every milestone needs one.
    for (const m of milestones) expect(m.criteria.length).toBeGreaterThanOrEqual(1);
  });

  test('project initiation needs the company’s approval (立项); other gates may be added', () => {
    const gated = (milestones as readonly SalesMilestoneDefinition[]).filter((m) => m.approvalGate !== null);
    expect(gated.map((m) => m.key)).toContain('project_initiation');
    expect(gated.map((m) => m.key)).not.toContain('contract_signed'); // signing wins the deal at once
  });

  test('every label is bilingual and every key is unique where it must be', () => {
    const criterionKeys = milestones.flatMap((m) => [
      ...m.criteria.map((c) => c.key),
      ...(m.approvalGate ? [m.approvalGate.key] : []),
    ]);
    expect(new Set(criterionKeys).size).toBe(criterionKeys.length); // emails name a criterion by key alone
    for (const key of criterionKeys) {
      const label = criterionLabel(key);
      expect(label?.zh).toBeTruthy();
      expect(label?.en).toBeTruthy();
    }
    for (const step of [...milestones, PSM_PROCESS.execution]) {
      const items = checklistOf(step.key) ?? [];
      expect(items.length).toBeGreaterThan(0);
      expect(new Set(items.map((i) => i.key)).size).toBe(items.length);
      for (const item of items) expect(item.label.zh && item.label.en).toBeTruthy();
    }
    expect(new Set(milestones.map((m) => m.key)).size).toBe(milestones.length);
  });

  test('the contract-signing checklist carries the seed’s six duties', () => {
    expect(checklistOf('contract_signed')).toHaveLength(6);
  });

  test('every open stage has a positive SLA and cadence; the cadence comes before the SLA', () => {
    for (const m of milestones.slice(0, LAST_MILESTONE_INDEX)) {
      expect(m.stallSlaDays).toBeGreaterThan(0);
      expect(m.followUpCadenceDays).toBeGreaterThan(0);
      expect(m.followUpCadenceDays ?? 0).toBeLessThan(m.stallSlaDays ?? 0);
    }
    // Reaching contract_signed wins the deal: no stage clock after it.
    expect(milestones[LAST_MILESTONE_INDEX]).toMatchObject({ stallSlaDays: null, followUpCadenceDays: null });
  });

  test('escalation, approval and contract-window thresholds are sane', () => {
    expect(PSM_PROCESS.stallEscalation.directorAfterDays).toBeGreaterThan(0);
    expect(PSM_PROCESS.approvals.reminderAfterDays).toBeGreaterThan(0);
    expect(PSM_PROCESS.approvals.escalateAfterReminderDays).toBeGreaterThan(0);
    expect(PSM_PROCESS.approvals.directorFromAmount).toBeGreaterThan(0);
    expect(PSM_PROCESS.contractWindow).toEqual({ from: 'business_breakthrough', workingDays: 30 });
    expect(milestoneIndexOf(PSM_PROCESS.contractWindow.from)).toBeGreaterThanOrEqual(0);
    // By key, never by position: a milestone inserted before it must not move the warning.
    expect(PSM_PROCESS.noSponsorWarning.fromMilestone).toBe('technical_breakthrough_2');
    expect(milestoneIndexOf(PSM_PROCESS.noSponsorWarning.fromMilestone)).toBeGreaterThanOrEqual(0);
  });

  test('sponsor or better means sponsor and power sponsor only', () => {
    expect(STAKEHOLDER_STANCES.filter(isSponsorOrBetter)).toEqual(['power_sponsor', 'sponsor']);
    expect(ACTIVITY_KINDS).toEqual(['visit', 'call', 'meeting', 'email']);
  });
});

describe('working days', () => {
  const china = PSM_PROCESS.workCalendar;
  const utc = { utcOffsetMinutes: 0, holidays: [] };
  const at = (iso: string) => Date.parse(iso);

  test('Monday + 1 is Tuesday; Friday + 1 is Monday; Saturday + 1 is Monday', () => {
    expect(new Date(addWorkingDays(at('2025-03-03T10:00:00Z'), 1, utc)).toISOString()).toBe(
      '2025-03-04T10:00:00.000Z',
    );
    expect(new Date(addWorkingDays(at('2025-03-07T10:00:00Z'), 1, utc)).toISOString()).toBe(
      '2025-03-10T10:00:00.000Z',
    );
    expect(new Date(addWorkingDays(at('2025-03-08T10:00:00Z'), 1, utc)).toISOString()).toBe(
      '2025-03-10T10:00:00.000Z',
    );
  });

  test('30 working days is six calendar weeks from any weekday', () => {
    for (const start of ['2025-03-03', '2025-03-05', '2025-03-07']) {
      const from = at(`${start}T09:00:00Z`);
      expect((addWorkingDays(from, 30, utc) - from) / 86_400_000).toBe(42);
    }
  });

  test('zero days is the start itself; negative or fractional days are refused', () => {
    expect(addWorkingDays(at('2025-03-08T10:00:00Z'), 0, utc)).toBe(at('2025-03-08T10:00:00Z'));
    expect(() => addWorkingDays(0, -1, utc)).toThrow(RangeError);
    expect(() => addWorkingDays(0, 1.5, utc)).toThrow(RangeError);
  });

  test('weekdays are the team’s local ones: Friday 20:00 UTC is already Saturday in China', () => {
    expect(isWorkingDay(at('2025-03-07T20:00:00Z'), utc)).toBe(true);
    expect(isWorkingDay(at('2025-03-07T20:00:00Z'), china)).toBe(false);
    // So one working day from there lands on Monday (China), not Monday + 1 day-of-week drift.
    expect(new Date(addWorkingDays(at('2025-03-07T20:00:00Z'), 1, china)).toISOString()).toBe(
      '2025-03-09T20:00:00.000Z',
    );
  });

  test('holidays are skipped like weekends', () => {
    const withHoliday = { utcOffsetMinutes: 0, holidays: ['2025-03-04'] };
    expect(new Date(addWorkingDays(at('2025-03-03T10:00:00Z'), 1, withHoliday)).toISOString()).toBe(
      '2025-03-05T10:00:00.000Z',
    );
    expect(isWorkingDay(at('2025-03-04T10:00:00Z'), withHoliday)).toBe(false);
  });
});
