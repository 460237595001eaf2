// What crosses the morning digest's workflow/activity boundary (issue 13). Pure types.

export interface DigestPlanRequest {
  /** The moment the run is for (ISO): the schedule's time, pinned by tests. */
  asOf: string;
}

export interface DigestPlan {
  /** The local date (YYYY-MM-DD, in DIGEST_TIMEZONE) the digest is for: with the person, its idempotency key. */
  date: string;
  /** False on weekends and China's days off (make-up working days count): then nobody gets one. */
  workingDay: boolean;
  /** Active reps, managers and directors. */
  recipientIds: string[];
}

export interface DigestSendRequest {
  recipientId: string;
  date: string;
  asOf: string;
}

export interface DigestSendResult {
  via: 'channel' | 'email';
  /** A retry, re-run or manual trigger found today's digest already sent. */
  alreadySent: boolean;
}

export interface DigestActivities {
  planMorningDigest(request: DigestPlanRequest): Promise<DigestPlan>;
  sendMorningDigest(request: DigestSendRequest): Promise<DigestSendResult>;
}
