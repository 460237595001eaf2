// One definition of every input rule: the API's zod schemas and the workflow's Update validators
// accept and refuse the same values (limits, NUL and control characters, calendar dates, amounts).
// Pure logic: the schemas and the command validators are called directly, as the Update validator
// calls them (asUpdateValidator).

import { ApplicationFailure } from '@temporalio/common';
import { INPUT_LIMITS } from '../../src/contracts/input-rules';
import {
  ZCompleteMilestoneSchema,
  ZCreateOpportunitySchema,
  ZLogActivitySchema,
  ZReasonSchema,
  ZRequestApprovalSchema,
  ZStakeholderSchema,
  ZUpdateDealSchema,
} from '../../src/opportunities/schemas';
import { ZSetTargetSchema } from '../../src/reports/target-schemas';
import { ZReportQuerySchema } from '../../src/reports/schemas';
import { ZCreateUserSchema } from '../../src/users/schemas';
import { COMMANDS } from '../../workflows/commands';
import { asUpdateValidator } from '../../workflows/opportunity-input';
import type { OpportunityState } from '../../workflows/opportunity-types';
import { ACTORS, newDealState } from '../workflows/helpers';

const T0 = Date.parse('2026-03-03T01:00:00Z');

const newDeal = () => newDealState(T0);

type Name = keyof typeof COMMANDS;

/** The workflow's verdict on a command: null when accepted, else the refusal's code and details. */
function workflowVerdict(
  name: Name,
  fields: Record<string, unknown>,
): { code: string; details: unknown } | null {
  const spec = COMMANDS[name] as { validate(s: OpportunityState, c: unknown, now: number): void };
  try {
    asUpdateValidator(() => spec.validate(newDeal(), { requestId: 'r-1', actor: ACTORS.rep, ...fields }, T0));
    return null;
  } catch (err) {
    if (!(err instanceof ApplicationFailure)) throw err;
    return { code: err.type ?? '', details: err.details?.[0] };
  }
}

const refusesInput = (name: Name, fields: Record<string, unknown>) =>
  workflowVerdict(name, fields)?.code === 'INVALID_INPUT';
type Schema = { safeParse(value: unknown): { success: boolean } };
const apiAccepts = (schema: Schema, value: unknown) => schema.safeParse(value).success;

const x = (n: number) => 'x'.repeat(n);
const activity = (note: string, occurredAt = '2026-03-03T09:00:00+08:00') => ({
  kind: 'visit',
  occurredAt,
  note,
});
const completion = (over: Record<string, unknown>) => ({
  milestone: 'project_initiation',
  criteriaMet: ['need_clear', 'value_fit'],
  evidence: 'Kick-off notes',
  ...over,
});
const stakeholder = (over: Record<string, unknown>) => ({
  name: 'Li',
  role: 'decision_maker',
  stance: 'supporter',
  ...over,
});

describe('limits: the API and the workflow accept and refuse at the same length', () => {
  type Case = [string, number, Schema, (v: string) => unknown, Name, (v: string) => Record<string, unknown>];
  const cases: Case[] = [
    [
      'evidence',
      INPUT_LIMITS.longText,
      ZCompleteMilestoneSchema,
      (v) => completion({ evidence: v }),
      'completeMilestone',
      (v) => completion({ evidence: v }),
    ],
    [
      'activity note',
      INPUT_LIMITS.longText,
      ZLogActivitySchema,
      (v) => activity(v),
      'logActivity',
      (v) => activity(v),
    ],
    [
      'hold reason',
      INPUT_LIMITS.shortText,
      ZReasonSchema,
      (v) => ({ reason: v }),
      'hold',
      (v) => ({ reason: v }),
    ],
    [
      'approval reason',
      INPUT_LIMITS.shortText,
      ZRequestApprovalSchema,
      (v) => ({ kind: 'discount', amount: 10, reason: v }),
      'requestApproval',
      (v) => ({ kind: 'discount', amount: 10, reason: v }),
    ],
    [
      'deal name',
      INPUT_LIMITS.name,
      ZUpdateDealSchema,
      (v) => ({ name: v }),
      'updateDeal',
      (v) => ({ name: v }),
    ],
    [
      'stakeholder name',
      INPUT_LIMITS.name,
      ZStakeholderSchema,
      (v) => stakeholder({ name: v }),
      'upsertStakeholder',
      (v) => stakeholder({ name: v }),
    ],
  ];
  test.each(cases)('%s: %d characters', (_field, limit, schema, apiBody, command, fields) => {
    for (const length of [limit, limit + 1]) {
      const value = x(length);
      const accepted = apiAccepts(schema, apiBody(value));
      expect({ length, api: accepted }).toEqual({ length, api: length <= limit });
      expect({ length, workflowRefuses: refusesInput(command, fields(value)) }).toEqual({
        length,
        workflowRefuses: length > limit,
      });
    }
  });

  test('criteriaMet: the same number of entries and key length', () => {
    const keys = (n: number, len = 8) => Array.from({ length: n }, (_, i) => `${i}`.padEnd(len, 'k'));
    for (const [list, ok] of [
      [keys(INPUT_LIMITS.criteriaMet), true],
      [keys(INPUT_LIMITS.criteriaMet + 1), false],
      [keys(1, INPUT_LIMITS.key), true],
      [keys(1, INPUT_LIMITS.key + 1), false],
    ] as const) {
      expect(apiAccepts(ZCompleteMilestoneSchema, completion({ criteriaMet: list }))).toBe(ok);
      // Within the limits the workflow goes on to its process rule (unknown criteria), not INVALID_INPUT.
      expect(refusesInput('completeMilestone', completion({ criteriaMet: list }))).toBe(!ok);
    }
  });

  test('amounts: the same upper bound', () => {
    for (const [amount, ok] of [
      [INPUT_LIMITS.amountMax, true],
      [INPUT_LIMITS.amountMax + 1, false],
    ] as const) {
      expect(apiAccepts(ZUpdateDealSchema, { amount })).toBe(ok);
      expect(refusesInput('updateDeal', { amount })).toBe(!ok);
    }
  });
});

describe('text the database cannot store is refused at the edge and by the workflow (issue 9, 6a)', () => {
  test.each([
    ['a NUL in a name', { name: 'Acme\u0000Bank' }],
    ['a control character in a name', { name: 'Acme\u0007Bank' }],
    ['a newline in a name', { name: 'Acme\nBank' }],
    ['a lone surrogate in a name', { name: 'Acme\ud800' }],
  ])('%s', (_what, fields) => {
    expect(apiAccepts(ZUpdateDealSchema, fields)).toBe(false);
    expect(workflowVerdict('updateDeal', fields)).toEqual({
      code: 'INVALID_INPUT',
      details: [{ path: 'name', message: expect.any(String) }],
    });
  });

  test('free text keeps tabs and line breaks but refuses NUL and other control characters', () => {
    expect(apiAccepts(ZLogActivitySchema, activity('line 1\r\n\tline 2'))).toBe(true);
    expect(refusesInput('logActivity', activity('line 1\r\n\tline 2'))).toBe(false);
    for (const note of ['before\u0000after', 'bell\u0007', 'escape\u001b[0m']) {
      expect(apiAccepts(ZLogActivitySchema, activity(note))).toBe(false);
      expect(refusesInput('logActivity', activity(note))).toBe(true);
    }
    expect(apiAccepts(ZCompleteMilestoneSchema, completion({ evidence: 'notes\u0000' }))).toBe(false);
    expect(refusesInput('completeMilestone', completion({ evidence: 'notes\u0000' }))).toBe(true);
    expect(apiAccepts(ZStakeholderSchema, stakeholder({ title: 'CTO\u0000' }))).toBe(false);
    expect(refusesInput('upsertStakeholder', stakeholder({ title: 'CTO\u0000' }))).toBe(true);
    expect(apiAccepts(ZReasonSchema, { reason: 'budget\u0000' })).toBe(false);
    expect(refusesInput('hold', { reason: 'budget\u0000' })).toBe(true);
  });

  test('users are held to the same rules', () => {
    const user = (name: string) => ({ name, email: 'a@b.cn', role: 'rep' });
    expect(apiAccepts(ZCreateUserSchema, user('王芳'))).toBe(true);
    expect(apiAccepts(ZCreateUserSchema, user('王\u0000芳'))).toBe(false);
  });
});

describe('dates are real calendar dates in sane years (issue 9, 6a)', () => {
  test.each(['0000-01-01', '2026-02-30', '2026-13-45', '1899-12-31', '2201-01-01'])('day %s', (day) => {
    expect(apiAccepts(ZUpdateDealSchema, { expectedCloseDate: day })).toBe(false);
    expect(refusesInput('updateDeal', { expectedCloseDate: day })).toBe(true);
    expect(apiAccepts(ZSetTargetSchema, { periodStart: day, periodEnd: '2026-12-31', amount: 1 })).toBe(
      false,
    );
    expect(apiAccepts(ZReportQuerySchema, { from: day, to: '2026-12-31' })).toBe(false);
  });

  test.each(['0000-01-01T00:00:00Z', '2026-02-30T10:00:00+08:00', '2026-13-45T10:00:00Z'])(
    'date-time %s',
    (at) => {
      expect(apiAccepts(ZLogActivitySchema, activity('visit', at))).toBe(false);
      expect(refusesInput('logActivity', activity('visit', at))).toBe(true);
    },
  );

  test('real dates pass on both sides', () => {
    for (const day of ['2028-02-29', '1900-01-01', '2200-12-31']) {
      expect(apiAccepts(ZUpdateDealSchema, { expectedCloseDate: day })).toBe(true);
      expect(refusesInput('updateDeal', { expectedCloseDate: day })).toBe(false);
    }
    expect(apiAccepts(ZLogActivitySchema, activity('visit', '2026-03-03T09:00:00.123Z'))).toBe(true);
    expect(refusesInput('logActivity', activity('visit', '2026-03-03T09:00:00.123Z'))).toBe(false);
  });
});

describe('amounts: at most two decimals, as the read model stores them (issue 9, 7)', () => {
  test.each([0.125, 1.001, 100000.555])('%d is refused by the API and the workflow', (amount) => {
    expect(apiAccepts(ZCreateOpportunitySchema, { name: 'D', account: 'A', amount })).toBe(false);
    expect(apiAccepts(ZUpdateDealSchema, { amount })).toBe(false);
    expect(apiAccepts(ZRequestApprovalSchema, { kind: 'discount', amount, reason: 'r' })).toBe(false);
    expect(apiAccepts(ZSetTargetSchema, { periodStart: '2026-01-01', periodEnd: '2026-03-31', amount })).toBe(
      false,
    );
    expect(refusesInput('updateDeal', { amount })).toBe(true);
    expect(refusesInput('requestApproval', { kind: 'discount', amount, reason: 'r' })).toBe(true);
  });

  test.each([0.29, 0.1, 12.5, 99999999.99])('%d is accepted by both', (amount) => {
    expect(apiAccepts(ZUpdateDealSchema, { amount })).toBe(true);
    expect(refusesInput('updateDeal', { amount })).toBe(false);
  });
});

test('outside an Update validator (start input, replayed handlers) the checks stay as recorded', () => {
  const spec = COMMANDS.updateDeal as { validate(s: OpportunityState, c: unknown, now: number): void };
  // A handler re-validating on replay must not refuse what an old validator accepted.
  expect(() =>
    spec.validate(newDeal(), { requestId: 'r', actor: ACTORS.rep, amount: 0.125 }, T0),
  ).not.toThrow();
});
