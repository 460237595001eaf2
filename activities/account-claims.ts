// The account workflow's activities (workflows/account.ts): the cap/daily-limit reservation in
// PostgreSQL, freeing a slot, projecting the journal, and the warning/lapse notices.
import { ApplicationFailure } from '@temporalio/common';
import type { PrismaClient } from '../src/db/prisma';
import { AppError } from '../src/errors/app-error';
import type { MailSender } from '../src/mail/transport';
import type { ChannelClients } from '../src/notify/channel';
import { sendClaimNotice } from '../src/customers/claims-notice';
import { projectAccount, releaseClaim, reserveClaim } from '../src/customers/claims-store';
import type { AccountActivities } from '../workflows/account-types';

export interface AccountActivityDeps {
  prisma: PrismaClient;
  sender: MailSender;
  from: string;
  publicBaseUrl: string;
  channels?: ChannelClients;
}

/** An AppError (unknown user, missing account, undeliverable) will not get better by retrying. */
async function nonRetryableOnAppError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof AppError)
      throw ApplicationFailure.create({ type: err.code, message: err.message, nonRetryable: true });
    throw err;
  }
}

export function createAccountActivities(deps: AccountActivityDeps): AccountActivities {
  return {
    reserveClaim: (request) => nonRetryableOnAppError(() => reserveClaim(deps.prisma, request)),
    releaseClaim: (request) => releaseClaim(deps.prisma, request),
    projectAccount: (projection) => nonRetryableOnAppError(() => projectAccount(deps.prisma, projection)),
    sendClaimNotice: (notice) =>
      nonRetryableOnAppError(() =>
        sendClaimNotice(
          {
            prisma: deps.prisma,
            sender: deps.sender,
            from: deps.from,
            publicBaseUrl: deps.publicBaseUrl,
            ...(deps.channels ? { clients: deps.channels } : {}),
          },
          notice,
        ),
      ),
  };
}
