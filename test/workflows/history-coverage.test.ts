// The replay net only catches a non-deterministic edit on a path some committed history walks.
// This check fails when a path of the opportunity workflow has no covering history: every activity
// it proxies, every command (Update), every signal, every patch, every notification template and
// every journal event type it can write must appear in at least one file of test/histories. (A
// journal event is written by a branch of the workflow's code: a history that never writes it
// never walks that branch, e.g. a failed directory look-up or a mail that failed for good.) The fix for a failure is a new recording
// (a scenario in test/workflows/path-scenarios.ts, a line in record-histories.ts), never an edit
// of an existing history.

import fs from 'node:fs';
import path from 'node:path';
import { COMMANDS } from '../../workflows/commands';
import { opportunityUpdates, reportingLineChangedSignal } from '../../workflows/opportunity-messages';
import { REPO_ROOT } from './helpers';
import {
  combinedUse,
  committedHistories,
  historyUse,
  opportunityJournalEventTypes,
  opportunityWorkflowActivities,
  uncovered,
  workflowPatchIds,
  type HistoryUse,
} from './history-coverage';

/** The notification templates the contract declares (the NotificationTemplate union). */
function notificationTemplates(): string[] {
  const source = fs.readFileSync(path.join(REPO_ROOT, 'src/contracts/activities.ts'), 'utf8');
  const union = /export type NotificationTemplate =([^;]+);/.exec(source)?.[1] ?? '';
  return [...union.matchAll(/'([a-z_]+)'/g)].map((m) => m[1] ?? '');
}

const files = committedHistories({ nested: true });
const all = combinedUse(files);

const EXPECTED: Record<Exclude<keyof HistoryUse, 'lastSnapshot'>, () => string[]> = {
  activities: opportunityWorkflowActivities,
  updates: () => Object.keys(opportunityUpdates),
  signals: () => [reportingLineChangedSignal.name],
  patches: workflowPatchIds,
  templates: notificationTemplates,
  journal: opportunityJournalEventTypes,
};

function message(kind: string, missing: string[]): string {
  return (
    `no committed history uses the ${kind} ${missing.join(', ')}: a non-deterministic change on ` +
    `that path would reach running deals unnoticed. Record a history that walks it ` +
    `(a scenario in test/workflows/path-scenarios.ts, a line in test/workflows/record-histories.ts, ` +
    `then npx tsx test/workflows/record-histories.ts <name>)`
  );
}

test('the lists compared are read from the code, not typed here', () => {
  expect(opportunityWorkflowActivities()).toEqual(
    expect.arrayContaining(['lookupReportingLine', 'sendNotification', 'projectOpportunity', 'checkClocks']),
  );
  expect(Object.keys(opportunityUpdates).sort()).toEqual(Object.keys(COMMANDS).sort());
  expect(workflowPatchIds().length).toBeGreaterThanOrEqual(7);
  expect(notificationTemplates()).toEqual(expect.arrayContaining(['stall_escalation', 'closing_summary']));
  // Written by commands (the Update's result), by the clocks and the outbox, and by a failure path.
  expect(opportunityJournalEventTypes()).toEqual(
    expect.arrayContaining([
      'created',
      'milestone_reached',
      'sla_breached',
      'notification_sent',
      'reporting_line_missing',
    ]),
  );
});

test.each(Object.keys(EXPECTED) as (keyof typeof EXPECTED)[])(
  'every one of the workflow’s %s appears in a committed history',
  (kind) => {
    const missing = uncovered(EXPECTED[kind](), all[kind]);
    if (missing.length > 0) throw new Error(message(kind, missing));
  },
);

test('a history missing from the set is noticed (the check can fail)', () => {
  // The histories that alone carry the acknowledgeEscalation command: without them it is uncovered.
  const carrying = files.filter((f) => historyUse(f).updates.has('acknowledgeEscalation'));
  expect(carrying.length).toBeGreaterThan(0);
  const without = combinedUse(files.filter((f) => !carrying.includes(f)));
  expect(uncovered(EXPECTED.updates(), without.updates)).toContain('acknowledgeEscalation');
});

test('a journal event only a command writes is seen in its Update result (the check can fail)', () => {
  // escalation_acknowledged is appended by the acknowledgeEscalation command only: the workflow
  // never projects it itself, so it is found in the Update's result or not at all.
  const carrying = files.filter((f) => historyUse(f).journal.has('escalation_acknowledged'));
  expect(carrying.length).toBeGreaterThan(0);
  const without = combinedUse(files.filter((f) => !carrying.includes(f)));
  expect(uncovered(EXPECTED.journal(), without.journal)).toContain('escalation_acknowledged');
});
