// Every activity timeout and retry policy the workflows use, in one place.

import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

/**
 * Emails: SMTP can be slow or down for a while; the activity dedups by key, so retry patiently.
 * The activity heartbeats while it delivers, so a dead worker's mail is retried elsewhere after
 * the heartbeat timeout instead of the whole start-to-close; that retry waits for the dead
 * attempt's claim lease (15 s, src/mail/deliver-stored-email.ts) and resends: under 30 s in all.
 * Start-to-close covers the SMTP timeouts (connection 10 s + greeting 10 s + socket 20 s,
 * src/mail/transport.ts); after the server's 250 the "sent" mark retries (heartbeating) until 5 s
 * before it, so a database outage of up to ~50 s after a quick send never resends, and Temporal
 * never starts a second attempt while the first still marks.
 */
export const NOTIFICATION_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '60 seconds',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
};

/** One deal's process migration: an Update on its workflow, answered in well under a second. */
export const MIGRATION_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
  },
};

/** Directory look-ups: quick reads; an unknown user fails non-retryably. */
export const DIRECTORY_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};

/**
 * Read-model projection: a quick, idempotent (seq-keyed) database write. Deliberately a normal
 * activity, not a local one: a local activity runs before its workflow task commits, so if that
 * task then fails (e.g. an Update arrives just as the run continues-as-new) the read model would
 * already hold events that the retried task numbers differently. A normal activity is only
 * scheduled by a committed task, so every projected event is one the history agrees with.
 */
export const PROJECTION_ACTIVITY: ActivityOptions = {
  // A projection takes milliseconds; an attempt held by a worker that died is given up on soon.
  startToCloseTimeout: '15 seconds',
  // The read model is what lists and reports show: after an outage or a slow spell, try again
  // within seconds, not minutes (5 minutes between attempts left it stale long after recovery).
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds' },
};

/**
 * The wake-up clock check (checkClocks): a local activity, so its answer is recorded in history.
 * It only computes and reads, so running it before the task commits is harmless; its read of the
 * read model is bounded at 3 s and never fails it.
 */
export const CLOCK_CHECK_LOCAL_ACTIVITY: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};

/** Pause before retrying a projection that failed non-retryably (a bug, not an outage). */
export const PROJECTION_FAILURE_PAUSE = '10 minutes';

/** Weekly report planning reads users: quick, retried briefly. */
export const WEEKLY_PLAN_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
  scheduleToCloseTimeout: '1 hour',
};

/** One recipient's weekly report: a handful of queries and one SMTP send; SMTP may be down for a while. */
export const WEEKLY_SEND_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  // A weekly report that cannot go out within the day is better reported as failed than sent late.
  scheduleToCloseTimeout: '12 hours',
};
