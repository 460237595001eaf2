// The whole-book handover's activities (workflows/book-handover.ts): its plan, one claim or deal
// moved (an Update on that account's or deal's workflow, sent with the worker's own Temporal
// client), the reorganisation of the leaver's reports, and the owner history.
import { Context } from '@temporalio/activity';
import type { PrismaClient } from '../src/db/prisma';
import {
  handOverBookItem,
  planBookHandover,
  reassignReports,
  recordBookHandoverItem,
} from '../src/customers/book-handover';
import type { BookHandoverActivities } from '../workflows/book-handover';

export function createBookHandoverActivities({ prisma }: { prisma: PrismaClient }): BookHandoverActivities {
  return {
    planBookHandover: ({ fromUserId }) => planBookHandover(prisma, fromUserId),
    handOverBookItem: (request) => {
      const context = Context.current();
      return handOverBookItem({ prisma, client: context.client, taskQueue: context.info.taskQueue }, request);
    },
    recordBookHandoverItem: (request) => recordBookHandoverItem(prisma, request),
    reassignReports: (input) => reassignReports(prisma, input),
  };
}
