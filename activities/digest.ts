// The morning digest's activities: plan the morning (date, working day, recipients) and send one
// person's digest at most once per day. Refusals that can never succeed are non-retryable; a
// platform's rate budget or outage is retried when it frees up.
import { ApplicationFailure } from '@temporalio/common';
import type { DigestActivities } from '../src/contracts/digest';
import { AppError } from '../src/errors/app-error';
import { planDigest } from '../src/notify/digest/plan-digest';
import { sendDigest, type SendDigestDeps } from '../src/notify/digest/send-digest';

function validDate(value: string, what: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw ApplicationFailure.create({
      type: 'INVALID_INPUT',
      message: `${what} is not an ISO date: ${value}`,
      nonRetryable: true,
    });
  return date;
}

export function createDigestActivities(deps: SendDigestDeps): DigestActivities {
  return {
    async planMorningDigest({ asOf }) {
      return planDigest(deps.prisma, validDate(asOf, 'asOf'), deps.timeZone);
    },

    async sendMorningDigest(request) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(request.date))
        throw ApplicationFailure.create({
          type: 'INVALID_INPUT',
          message: `bad date ${request.date}`,
          nonRetryable: true,
        });
      try {
        const outcome = await sendDigest(deps, { ...request, asOf: validDate(request.asOf, 'asOf') });
        if (outcome.via === 'retry')
          throw ApplicationFailure.create({
            type: 'SERVICE_UNAVAILABLE',
            message: `digest for ${request.recipientId} on ${request.date}: ${outcome.detail}`,
            nonRetryable: false,
            ...(outcome.retryInMs ? { nextRetryDelay: Math.max(200, outcome.retryInMs) } : {}),
          });
        return outcome;
      } catch (err) {
        if (err instanceof AppError && err.status < 500)
          throw ApplicationFailure.create({ type: err.code, message: err.message, nonRetryable: true });
        throw err;
      }
    },
  };
}
