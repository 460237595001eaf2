// A retuned copy of the process definition, the three edits issue 17's process owner tried: the
// stall SLA of 技术突破1 cut from 30 to 10 days, an extra entry criterion at 深度接触, and an
// approval gate at 商务突破. retuned-definition.test.ts runs the scenario suite's key cases
// against it, so the scenarios are proven to take their timings, criteria and gates from the
// definition rather than from numbers typed into them.
//
// The same function retunes both sides: the test process (jest.mock of psm-process, see
// useRetunedDefinition in the test) and the workflow bundle (retune-definition-loader.js appends a
// call to it to psm-process.ts). It mutates the definition in place when the module loads, before
// anything reads it. Plain data only: it is bundled into the workflow sandbox.

import type { ProcessDefinition } from '../../workflows/psm-process';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

export const RETUNED = {
  stallSlaOf: 'technical_breakthrough_1',
  stallSlaDays: 10,
  criterionAt: 'deep_engagement',
  criterion: {
    key: 'budget_owner_met',
    label: { zh: '已拜访预算负责人', en: 'Budget owner met' },
  },
  gateAt: 'business_breakthrough',
  gate: {
    key: 'bid_approved',
    label: { zh: '投标方案获得公司批准', en: 'Bid approved by the company' },
  },
} as const;

export function retuneDefinition(definition: ProcessDefinition): void {
  const process = definition as unknown as Mutable<ProcessDefinition>;
  const find = (key: string) => {
    const found = process.milestones.find((m) => m.key === key);
    if (!found) throw new Error(`retuneDefinition: no milestone ${key}`);
    return found;
  };
  find(RETUNED.stallSlaOf).stallSlaDays = RETUNED.stallSlaDays;
  const engagement = find(RETUNED.criterionAt);
  if (!engagement.criteria.some((c) => c.key === RETUNED.criterion.key))
    engagement.criteria = [...engagement.criteria, { ...RETUNED.criterion }];
  find(RETUNED.gateAt).approvalGate = { ...RETUNED.gate };
}
