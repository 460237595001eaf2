import type {
  ApprovalFacts,
  ClosingSummaryFacts,
  DealFacts,
  HandoverFacts,
  NotificationTemplate,
} from '../../contracts/activities';
import type { TMailLocale } from '../locale';

export type TMailAction = 'approve' | 'reject' | 'acknowledge';

/** Everything a template needs; built by the email activity from the request and the User table. */
export interface MailContext {
  template: NotificationTemplate;
  locale: TMailLocale;
  /** IANA zone for dates, e.g. Asia/Shanghai. */
  timeZone: string;
  recipientName: string;
  /** Escalation level: 1 = manager, 2 = director. */
  level: number;
  deal: DealFacts;
  approval?: ApprovalFacts;
  /** handover_request / handover_escalation (the deal team's handover, issue 14). */
  handover?: HandoverFacts;
  /** closing_summary. */
  closing?: ClosingSummaryFacts;
  /** Display names for the user ids in `approval` (requester, approver, decider). */
  people: Readonly<Record<string, string>>;
  links: { deal: string } & Partial<Record<TMailAction, string>>;
}

/** What a template decides; the layout turns it into HTML and text the same way for all. */
export interface MailBody {
  subject: string;
  heading: string;
  paragraphs: string[];
  showApproval: boolean;
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}
