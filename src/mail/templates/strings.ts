// Labels shared by every template, per locale. Template-specific sentences live in the template.
import type { ApprovalFacts } from '../../contracts/activities';
import type { TMailLocale } from '../locale';

export interface CommonStrings {
  greeting(name: string): string;
  deal: string;
  account: string;
  amount: string;
  stage: string;
  daysInStage: string;
  days(n: number): string;
  lastActivity: string;
  noActivity: string;
  missingCriteria: string;
  noneMissing: string;
  noSponsor: string;
  approval: string;
  approvalKind: Record<ApprovalFacts['kind'], string>;
  approvalStatus: Record<ApprovalFacts['status'], string>;
  milestone: string;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  approver: string;
  status: string;
  decidedBy: string;
  comment: string;
  unknownPerson: string;
  actions: { approve: string; reject: string; acknowledge: string };
  actionsHint: string;
  openDeal: string;
  footer: string;
}

const zh: CommonStrings = {
  greeting: (name) => `${name}，您好：`,
  deal: '商机',
  account: '客户',
  amount: '金额',
  stage: '当前阶段',
  daysInStage: '本阶段停留',
  days: (n) => `${n} 天`,
  lastActivity: '最近活动',
  noActivity: '尚无活动记录',
  missingCriteria: '未满足的标准',
  noneMissing: '无',
  noSponsor: '⚠ 无支持者：客户内部尚无“支持者”或更高立场的联系人。没有支持者，就没有订单。',
  approval: '审批',
  approvalKind: { milestone_gate: '里程碑审批', skip_milestone: '跳过里程碑', discount: '折扣审批' },
  approvalStatus: { pending: '待审批', approved: '已批准', rejected: '已驳回', cancelled: '已撤销' },
  milestone: '里程碑',
  reason: '理由',
  requestedBy: '申请人',
  requestedAt: '申请时间',
  approver: '审批人',
  status: '状态',
  decidedBy: '决定人',
  comment: '意见',
  unknownPerson: '（未知用户）',
  actions: { approve: '批准', reject: '驳回', acknowledge: '已知悉' },
  actionsHint: '点击按钮后会先打开确认页面，确认后才会执行。每个链接只能使用一次。',
  openDeal: '打开商机',
  footer: '此邮件由 PSM 销售进程系统自动发送，请勿直接回复。',
};

const en: CommonStrings = {
  greeting: (name) => `Hello ${name},`,
  deal: 'Deal',
  account: 'Account',
  amount: 'Amount',
  stage: 'Stage',
  daysInStage: 'Days in stage',
  days: (n) => `${n} ${n === 1 ? 'day' : 'days'}`,
  lastActivity: 'Last activity',
  noActivity: 'none logged',
  missingCriteria: 'Missing criteria',
  noneMissing: 'none',
  noSponsor: '⚠ No sponsor: nobody at the customer is a sponsor or better. No sponsor, no sale.',
  approval: 'Approval',
  approvalKind: {
    milestone_gate: 'Milestone gate',
    skip_milestone: 'Skip a milestone',
    discount: 'Discount',
  },
  approvalStatus: { pending: 'pending', approved: 'approved', rejected: 'rejected', cancelled: 'cancelled' },
  milestone: 'Milestone',
  reason: 'Reason',
  requestedBy: 'Requested by',
  requestedAt: 'Requested at',
  approver: 'Approver',
  status: 'Status',
  decidedBy: 'Decided by',
  comment: 'Comment',
  unknownPerson: '(unknown user)',
  actions: { approve: 'Approve', reject: 'Reject', acknowledge: 'Acknowledge' },
  actionsHint:
    'Each button opens a confirmation page first; nothing happens until you confirm. Each link works once.',
  openDeal: 'Open the deal',
  footer: 'Sent automatically by PSM sales-process orchestration. Please do not reply to this message.',
};

export const COMMON_STRINGS: Record<TMailLocale, CommonStrings> = { 'zh-CN': zh, en };
