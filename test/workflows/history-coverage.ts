// What the committed histories exercise, read from their JSON as it is stored (no replay): the
// activities scheduled (and local activities recorded as markers), the commands (Updates) accepted,
// the signals received, the patches taken, the notifications sent and the journal events written
// (projected by the workflow, or returned by an Update for its caller to project). The coverage
// test compares these with what the opportunity workflow's code can do, so a path no history
// covers fails CI.

import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './helpers';

export const HISTORIES_DIR = path.join(REPO_ROOT, 'test/histories');

export interface HistoryUse {
  activities: Set<string>;
  updates: Set<string>;
  signals: Set<string>;
  patches: Set<string>;
  /** Notification templates sent (sendNotification's input). */
  templates: Set<string>;
  /**
   * Journal event types the workflow wrote: those it projected itself (projectOpportunity's input)
   * and those a command appended (the Update's result carries them for the caller to project).
   */
  journal: Set<string>;
  /** The last snapshot the workflow projected: where the deal stood when the history ends. */
  lastSnapshot?: { milestone: string; status: string };
}

interface Payload {
  data?: string;
}
interface JsonEvent {
  activityTaskScheduledEventAttributes?: {
    activityType?: { name?: string };
    input?: { payloads?: Payload[] };
  };
  workflowExecutionUpdateAcceptedEventAttributes?: { acceptedRequest?: { input?: { name?: string } } };
  workflowExecutionUpdateCompletedEventAttributes?: { outcome?: { success?: { payloads?: Payload[] } } };
  workflowExecutionSignaledEventAttributes?: { signalName?: string };
  markerRecordedEventAttributes?: {
    markerName?: string;
    details?: Record<string, { payloads?: Payload[] } | undefined>;
  };
}

/** The JSON value a proto3-JSON payload carries (json/plain encoding: base64 of the JSON text). */
function decode(payload: Payload | undefined): unknown {
  if (!payload?.data) return undefined;
  try {
    return JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export function historyUse(file: string): HistoryUse {
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { events?: JsonEvent[] };
  const use: HistoryUse = {
    activities: new Set(),
    updates: new Set(),
    signals: new Set(),
    patches: new Set(),
    templates: new Set(),
    journal: new Set(),
  };
  for (const event of json.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name) {
      const name = scheduled.activityType.name;
      use.activities.add(name);
      const input = decode(scheduled.input?.payloads?.[0]) as
        | {
            template?: string;
            events?: { type?: string }[];
            snapshot?: { milestone?: string; status?: string };
          }
        | undefined;
      if (name === 'sendNotification' && input?.template) use.templates.add(input.template);
      if (name === 'projectOpportunity') {
        for (const e of input?.events ?? []) if (e.type) use.journal.add(e.type);
        const { milestone, status } = input?.snapshot ?? {};
        if (milestone && status) use.lastSnapshot = { milestone, status };
      }
    }
    const accepted = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name;
    if (accepted) use.updates.add(accepted);
    const completed = event.workflowExecutionUpdateCompletedEventAttributes?.outcome?.success?.payloads?.[0];
    if (completed) {
      const result = decode(completed) as { projection?: { events?: { type?: string }[] } } | undefined;
      for (const e of result?.projection?.events ?? []) if (e.type) use.journal.add(e.type);
    }
    const signal = event.workflowExecutionSignaledEventAttributes?.signalName;
    if (signal) use.signals.add(signal);
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName === 'core_patch') {
      const data = decode(marker.details?.['patch-data']?.payloads?.[0]) as { id?: string } | undefined;
      if (data?.id) use.patches.add(data.id);
    }
    if (marker?.markerName === 'core_local_activity') {
      const data = decode(marker.details?.data?.payloads?.[0]) as { activity_type?: string } | undefined;
      if (data?.activity_type) use.activities.add(data.activity_type);
    }
  }
  return use;
}

/**
 * The committed history files, sorted. Top level only by default: those replay on the plain
 * workflow bundle (replay.test.ts). With nested, also those in subfolders (e.g. process-versions/,
 * replayed by their own test on the bundle they need): every one counts for coverage.
 */
export function committedHistories(options: { nested?: boolean } = {}): string[] {
  const found: string[] = [];
  const walk = (dir: string, top: boolean) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && options.nested) walk(full, false);
      else if (entry.isFile() && entry.name.endsWith('.json') && (top || options.nested)) found.push(full);
    }
  };
  walk(HISTORIES_DIR, true);
  return found.sort();
}

const SET_KEYS = ['activities', 'updates', 'signals', 'patches', 'templates', 'journal'] as const;

/** Everything the given histories exercise together. */
export function combinedUse(files: readonly string[]): HistoryUse {
  const all: HistoryUse = {
    activities: new Set(),
    updates: new Set(),
    signals: new Set(),
    patches: new Set(),
    templates: new Set(),
    journal: new Set(),
  };
  for (const file of files) {
    const use = historyUse(file);
    for (const key of SET_KEYS) for (const v of use[key]) all[key].add(v);
  }
  return all;
}

/** The names in `expected` that no history in `use` exercises, in the order given. */
export function uncovered(expected: readonly string[], seen: ReadonlySet<string>): string[] {
  return expected.filter((name) => !seen.has(name));
}

/**
 * The activities the opportunity workflow's code proxies (`const { a, b } = proxyActivities<...>(...)`
 * and proxyLocalActivities), read from its source so a new one cannot be forgotten here.
 */
export function opportunityWorkflowActivities(): string[] {
  const source = fs.readFileSync(path.join(REPO_ROOT, 'workflows/opportunity.ts'), 'utf8');
  const names: string[] = [];
  for (const match of source.matchAll(/const\s*\{([^}]+)\}\s*=\s*proxy(?:Local)?Activities\b/g)) {
    for (const name of (match[1] ?? '').split(',')) {
      const trimmed = name.split(':')[0]?.trim();
      if (trimmed) names.push(trimmed);
    }
  }
  return names;
}

/** The patch ids the workflows define (`export const X_PATCH = '...'`), read from their source. */
export function workflowPatchIds(): string[] {
  const dir = path.join(REPO_ROOT, 'workflows');
  const ids: string[] = [];
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    const source = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const match of source.matchAll(/export const \w+_PATCH = '([^']+)'/g))
      if (match[1]) ids.push(match[1]);
  }
  return ids;
}

/**
 * The journal event types the opportunity workflow can write: the type literal of every
 * `appendEvent(state, now, '<type>', ...)` in workflows/ (its commands included), read from the
 * source so a new one cannot be forgotten here. The account workflow keeps a journal of its own
 * (funnel events) through other functions; it is not counted.
 */
export function opportunityJournalEventTypes(): string[] {
  const types = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        const source = fs.readFileSync(full, 'utf8');
        for (const match of source.matchAll(
          /\bappendEvent\(\s*[^,()]+,\s*[^,()]+(?:\([^()]*\))?,\s*'([a-z_]+)'/g,
        ))
          if (match[1]) types.add(match[1]);
      }
    }
  };
  walk(path.join(REPO_ROOT, 'workflows'));
  return [...types].sort();
}
