-- C2 (issue 11): deal events reach the deal's account workflow. Whoever inserts an OpportunityEvent
-- (the API's projection, the workflow's own, the reconciler) also queues, in the same transaction,
-- the events the account cares about; src/customers/deal-events.ts sends each to the account
-- workflow (request id derived from the deal and the event's seq, so a resend is one journal entry)
-- and marks it delivered. A caller that dies in between leaves the row for the sweeper of any process.
CREATE TABLE "AccountDealEvent" (
    "opportunityId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "accountId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "queuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedUntil" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "deliveredAt" TIMESTAMP(3),
    "outcome" TEXT,

    CONSTRAINT "AccountDealEvent_pkey" PRIMARY KEY ("opportunityId","seq")
);

CREATE INDEX "AccountDealEvent_pending_idx" ON "AccountDealEvent"("queuedAt") WHERE "deliveredAt" IS NULL;

CREATE OR REPLACE FUNCTION opportunity_event_to_account() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  acc text;
BEGIN
  IF NEW."type" NOT IN ('created', 'activity_logged', 'milestone_reached', 'won', 'lost', 'reopened',
                        'handover_accepted', 'execution_completed') THEN
    RETURN NEW;
  END IF;
  SELECT "accountId" INTO acc FROM "Opportunity" WHERE "id" = NEW."opportunityId";
  IF acc IS NULL THEN
    RETURN NEW;
  END IF;
  INSERT INTO "AccountDealEvent" ("opportunityId", "seq", "accountId", "type")
  VALUES (NEW."opportunityId", NEW."seq", acc, NEW."type")
  ON CONFLICT DO NOTHING;
  RETURN NEW;
END
$fn$;

CREATE TRIGGER opportunity_event_to_account AFTER INSERT ON "OpportunityEvent"
  FOR EACH ROW EXECUTE FUNCTION opportunity_event_to_account();

-- C2 (issue 11): a whole-book handover (离职继承) by an admin, one row per item it moved: the owner
-- history of deals and approvals with the handover's reason (accounts journal theirs as well), and
-- what the progress route counts.
CREATE TABLE "BookHandoverItem" (
    "handoverId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "fromUserId" UUID NOT NULL,
    "toUserId" UUID NOT NULL,
    "actorId" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BookHandoverItem_pkey" PRIMARY KEY ("handoverId","kind","subjectId")
);

CREATE INDEX "BookHandoverItem_subjectId_idx" ON "BookHandoverItem"("subjectId");
