// The PSM sales process (销售进程与标准化管理) as data. This is the file a process owner edits:
// every milestone, criterion, checklist item, delay and threshold the opportunity workflow obeys
// lives here, and nowhere else. The workflow only interprets it.
//
// Changing a number (an SLA, a cadence, a delay, the amount threshold) is safe for deals already
// running. A deal keeps one wake-up timer, armed for its earliest due clock and never further
// ahead than the shortest cadence or SLA here; on waking, the checkClocks local activity decides
// which clocks are due with the numbers in force at that moment, and its answer is recorded in the
// history, so a replay repeats what the deal did under the old numbers. (Runs started before
// patched('psm-lean-history') keep one timer per clock; such a timer fires as it was armed.)
// test/workflows/replay.test.ts proves it by replaying the recorded histories with every threshold
// retuned. Turning a clock off (a cadence or SLA set to null) is a logic change, not a threshold.
// Adding, removing, reordering or renaming a milestone, criterion or checklist key is a logic
// change too: running deals hold milestone indexes and those keys in their state, so it goes
// behind patched() with a new recorded history (README, "Changing the sales process").
//
// Pure data and pure lookups only: this module is bundled into the workflow sandbox and is also
// imported by the API, the email templates and the tests.

import { CHINA_PUBLISHED_YEARS } from './china-work-calendar';
import { calendarFromPublishedYears, type DayCounting, type WorkCalendar } from './working-days';

export interface Bilingual {
  readonly zh: string;
  readonly en: string;
}

export interface KeyedLabel {
  readonly key: string;
  readonly label: Bilingual;
}

/** How many of a milestone's entry criteria must be met: all of them, or any one. */
export type CriteriaRule = 'all' | 'any';

export interface ApprovalGateDefinition {
  /** Shown wherever the criteria are shown; met when the gate approval is approved. */
  readonly key: string;
  readonly label: Bilingual;
}

export interface SalesMilestoneDefinition {
  readonly key: string;
  readonly name: Bilingual;
  /** Win probability (%) once this milestone is reached. */
  readonly winPct: number;
  /** The buyer's stage this milestone synchronises with (synchronised selling). */
  readonly buyerStage: Bilingual;
  readonly criteria: readonly KeyedLabel[];
  readonly rule: CriteriaRule;
  readonly checklist: readonly KeyedLabel[];
  /** Set when the company must approve before the milestone can be completed. */
  readonly approvalGate: ApprovalGateDefinition | null;
  /** Days a deal may sit at this milestone before the stall ladder starts; null = no stall check. */
  readonly stallSlaDays: number | null;
  /** Days without a logged activity before the rep is reminded; null = no reminder. */
  readonly followUpCadenceDays: number | null;
}

/** The step after signing: not a milestone to complete, a handover checklist to finish. */
export interface ExecutionStepDefinition {
  readonly key: string;
  readonly name: Bilingual;
  readonly buyerStage: Bilingual;
  readonly checklist: readonly KeyedLabel[];
}

/** The deal team (LTC iron triangle): 客户责任人 AR, 解决方案责任人 SR, 履行责任人 FR, a delivery owner, members. */
export const TEAM_ROLES = ['AR', 'SR', 'FR', 'delivery', 'member'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/** Commands a team member may send within their role (the owner and the owner's line may send all). */
export type TeamCommand =
  | 'completeMilestone'
  | 'setChecklistItem'
  | 'logActivity'
  | 'upsertStakeholder'
  | 'requestApproval'
  | 'recordProjectPlan'
  | 'acceptHandover'
  | 'recordClosingLessons';

export interface TeamRoleDefinition {
  readonly name: Bilingual;
  /** At most one person holds the role on a deal (assigning another replaces them). */
  readonly single: boolean;
  readonly commands: readonly TeamCommand[];
  /** Milestones this role completes and whose checklists it ticks ('all', or keys incl. contract_execution). */
  readonly steps: 'all' | readonly string[];
}

export interface LtcDefinition {
  readonly roles: Readonly<Record<TeamRole, TeamRoleDefinition>>;
  /** A stall while working towards one of these milestones also tells the team members in these roles. */
  readonly stallAlsoTells: Readonly<Record<string, readonly TeamRole[]>>;
  readonly kickoff: {
    /** At or above this amount (or flagged major) a deal needs its project plan (开工会)... */
    readonly fromAmount: number;
    /** ...recorded after this milestone, before the next one can be completed. */
    readonly afterMilestone: string;
  };
  readonly handover: {
    /** The 交底会 documents the FR (or the named delivery owner) accepts. */
    readonly documents: readonly KeyedLabel[];
    /** The execution checklist item the acceptance ticks. */
    readonly checklistItem: string;
    /** Days a won deal waits for the acceptance before the acceptor's manager is told (level 1)... */
    readonly escalateAfterDays: number;
    /** ...and this many days later, the acceptor's director (level 2). */
    readonly directorAfterDays: number;
  };
}

export interface ProcessDefinition {
  readonly milestones: readonly SalesMilestoneDefinition[];
  readonly execution: ExecutionStepDefinition;
  readonly stallEscalation: {
    /** After the stage's SLA the rep's manager is told (level 1); this many days later, the director (level 2). */
    readonly directorAfterDays: number;
  };
  readonly approvals: {
    /** At or above this deal amount, gates and discounts go to the director instead of the manager. */
    readonly directorFromAmount: number;
    /** A pending approval reminds its approver after this many days... */
    readonly reminderAfterDays: number;
    /** ...and is escalated to the approver's manager this many days after the reminder. */
    readonly escalateAfterReminderDays: number;
  };
  readonly contractWindow: {
    /** The milestone from which the contract is expected... */
    readonly from: string;
    /** ...within this many working days (seed: 确定在30个工作日之内能签合同). */
    readonly workingDays: number;
  };
  /**
   * Working days are counted on the sales team's local calendar: its UTC offset, its days off and
   * its make-up working days (China's schedule: workflows/china-work-calendar.ts).
   */
  readonly workCalendar: WorkCalendar;
  /**
   * How each clock counts its days: 'calendar' (every day) or 'working' (the work calendar's
   * working days). The contract window always counts working days. A change here is a threshold
   * change (it moves due times only), safe for running deals.
   */
  readonly dayCounting: {
    /** Follow-up cadences (followUpCadenceDays). */
    readonly followUp: DayCounting;
    /** Stall SLAs (stallSlaDays) and the director's delay after them (directorAfterDays). */
    readonly stall: DayCounting;
    /** Approval reminders and escalations. */
    readonly approvals: DayCounting;
  };
  readonly noSponsorWarning: {
    /** "No sponsor, no sale": warn once this milestone is reached and nobody is sponsor or better. */
    readonly fromMilestone: string;
    readonly sponsorStances: readonly StakeholderStance[];
  };
  /** Sales projects the LTC way (seed 003): the deal team, kickoff and plan, closing and handover. */
  readonly ltc: LtcDefinition;
  /** The six-step customer funnel and the claim rules (seed 001). */
  readonly customerFunnel: CustomerFunnelDefinition;
}

/** One step of the six-step customer funnel (seed 001 §4.2, 清单制六步销售法). */
export interface CustomerFunnelStepDefinition {
  readonly key: string;
  readonly name: Bilingual;
  /** What puts an account on this step (the seed's definition, the evidence the journal keeps). */
  readonly entry: Bilingual;
}

/**
 * The six-step customer funnel and the claim (报备) rules (issue 11). Read by the account
 * workflow (workflows/account.ts): numbers here are thresholds (a change moves clocks armed after
 * it; a clock already armed fires as it was armed), keys and steps are logic.
 */
export interface CustomerFunnelDefinition {
  /** In funnel order: target, listed, potential, intent, order, active. */
  readonly steps: readonly CustomerFunnelStepDefinition[];
  /** Business signals (商机) that move a claimed account to potential (seed 001, 清单客户到潜在客户). */
  readonly businessSignals: readonly { readonly key: string; readonly name: Bilingual }[];
  readonly claims: {
    /** Claimed accounts one rep may hold; a team may be set within [capMin, capMax] (seed: 30–70, about 50). */
    readonly capDefault: number;
    readonly capMin: number;
    readonly capMax: number;
    /** A claim lapses after this many working days without a standard sales action. */
    readonly lapseWorkingDays: number;
    /** The rep and their manager are warned this many working days before the lapse. */
    readonly warnWorkingDaysBefore: number;
    /** Calendar days a rep who lost a claim (lapse, or moved away) may not claim the account again. */
    readonly coolDownDays: number;
    /** Claims one rep may make per local day. */
    readonly dailyClaimLimit: number;
    /** An open deal at or past this milestone protects its account from lapsing. */
    readonly protectFromMilestone: string;
    /** An active customer (在网) keeps its owner: no lapse clock. */
    readonly activeStaysWithOwner: boolean;
  };
  /** The logged activity kinds that count as a standard sales action (reset the claim clock). */
  readonly salesActionTypes: readonly ActivityKind[];
}

export const STAKEHOLDER_ROLES = ['approver', 'decision_maker', 'evaluator', 'influencer', 'user'] as const;
export type StakeholderRole = (typeof STAKEHOLDER_ROLES)[number];

/** Strongest support first. */
export const STAKEHOLDER_STANCES = [
  'power_sponsor',
  'sponsor',
  'supporter',
  'neutral',
  'non_supporter',
  'hostile',
] as const;
export type StakeholderStance = (typeof STAKEHOLDER_STANCES)[number];

export const ACTIVITY_KINDS = ['visit', 'call', 'meeting', 'email'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

const item = (key: string, zh: string, en: string) => ({ key, label: { zh, en } }) as const;

export const PSM_PROCESS = {
  milestones: [
    {
      key: 'project_initiation',
      name: { zh: '项目立项', en: 'Project initiation' },
      winPct: 5,
      buyerStage: { zh: '需求 / 可行性', en: 'Need / Feasibility' },
      criteria: [
        item('need_clear', '客户需求基本明确', 'Customer need is basically clear'),
        item('value_fit', '价值定位与公司产品的定位基本相符', 'Value positioning fits our product'),
      ],
      rule: 'all',
      approvalGate: item(
        'initiation_approved',
        '项目立项申请获得公司批准',
        'Initiation approved by the company',
      ),
      checklist: [
        item('understand_background', '了解客户需求和项目背景', 'Understand the need and project background'),
        item('assess_fit', '评估价值定位与产品的匹配度', 'Assess how the value fits our product'),
        item('submit_initiation', '提交项目立项申请', 'Submit the initiation application'),
      ],
      stallSlaDays: 14,
      followUpCadenceDays: 7,
    },
    {
      key: 'deep_engagement',
      name: { zh: '深度接触', en: 'Deep engagement' },
      winPct: 10,
      buyerStage: { zh: '可行性 / 项目启动', en: 'Feasibility / Project start' },
      criteria: [
        item(
          'decision_structure_mapped',
          '决策结构清楚（批准者、决策者、评估者已明确）',
          'Decision structure mapped (approver, decision maker, evaluators named)',
        ),
        item('insider_supporter', '客户内部有支持者', 'A supporter inside the customer'),
        item('timeline_budget_known', '项目时间表和预算已明确', 'Timeline and budget known'),
      ],
      rule: 'all',
      approvalGate: null,
      checklist: [
        item('map_organisation', '绘制客户组织结构和决策链', 'Map the organisation and decision chain'),
        item('develop_coach', '发展内部支持者（教练）', 'Develop an inside supporter (coach)'),
        item('confirm_budget_timeline', '确认预算来源和项目时间表', 'Confirm budget source and timeline'),
      ],
      stallSlaDays: 21,
      followUpCadenceDays: 7,
    },
    {
      key: 'technical_breakthrough_1',
      name: { zh: '技术突破1', en: 'Technical breakthrough 1' },
      winPct: 25,
      buyerStage: { zh: '项目启动', en: 'Project start' },
      criteria: [
        item('proposal_delivered', '解决方案建议书已提交', 'Solution proposal delivered'),
        item(
          'evaluators_confirm_fit',
          '技术评估者确认方案符合需求',
          'Technical evaluators confirm it fits the need',
        ),
      ],
      rule: 'all',
      approvalGate: null,
      checklist: [
        item('technical_exchange', '组织技术交流', 'Hold a technical exchange'),
        item('deliver_proposal', '提交解决方案建议书', 'Deliver the solution proposal'),
        item('review_with_evaluators', '与技术评估者逐项确认方案', 'Review the proposal with the evaluators'),
      ],
      stallSlaDays: 30,
      followUpCadenceDays: 7,
    },
    {
      key: 'technical_breakthrough_2',
      name: { zh: '技术突破2', en: 'Technical breakthrough 2' },
      winPct: 50,
      buyerStage: { zh: '评估', en: 'Evaluation' },
      criteria: [
        item('poc_passed', '演示 / 测试（PoC）通过', 'Demo / PoC passed'),
        item('reference_visit_done', '样板点参观完成', 'Reference-site visit done'),
        item(
          'spec_favours_us',
          '评估标准 / 招标技术规格有利于我方',
          'Evaluation criteria / tender specification favour us',
        ),
      ],
      rule: 'any',
      approvalGate: null,
      checklist: [
        item('run_demo_poc', '组织演示或 PoC', 'Run the demo or PoC'),
        item('arrange_reference_visit', '安排样板点参观', 'Arrange a reference-site visit'),
        item(
          'shape_evaluation_criteria',
          '引导评估标准和技术规格',
          'Shape the evaluation criteria and specification',
        ),
      ],
      stallSlaDays: 30,
      followUpCadenceDays: 7,
    },
    {
      key: 'business_breakthrough',
      name: { zh: '商务突破', en: 'Business breakthrough' },
      winPct: 75,
      buyerStage: { zh: '决策', en: 'Decision' },
      criteria: [
        item('invited_to_bid', '按我方要求邀请参加投标', 'Invited to bid at our request'),
        item('tender_favours_us', '招标书有利于我方或有明显倾向性', 'Tender favours us'),
        item(
          'agent_introduced',
          '甲方决策关键人主动为我们引荐合适的代理商',
          'Key decision maker introduces a suitable agent',
        ),
        item(
          'intelligence_shared',
          '甲方决策关键人主动向我们提供重要情报',
          'Key decision maker gives us important intelligence',
        ),
        item(
          'bid_planned_together',
          '甲方决策关键人与我们共同谋划投标方案',
          'Key decision maker plans the bid with us',
        ),
      ],
      rule: 'any',
      approvalGate: null,
      checklist: [
        item('meet_decision_maker', '拜访关键决策人', 'Meet the key decision maker'),
        item('plan_bid', '与客户共同制定投标方案', 'Plan the bid with the customer'),
        item('prepare_quotation', '准备报价和商务条款', 'Prepare the quotation and commercial terms'),
      ],
      // The contract window (30 working days, about 6 weeks) is the real clock here; the stall
      // ladder is a backstop that fires a little earlier so the manager hears first.
      stallSlaDays: 30,
      followUpCadenceDays: 5,
    },
    {
      key: 'contract_signed',
      name: { zh: '合同签订', en: 'Contract signed' },
      winPct: 100,
      buyerStage: { zh: '批准', en: 'Approval' },
      criteria: [
        item('contract_stamped', '合同双方盖章确认', 'Both parties have stamped and confirmed the contract'),
      ],
      rule: 'any',
      approvalGate: null,
      checklist: [
        item('prepare_contract_documents', '准备相关的合同文件', 'Prepare the contract documents'),
        item(
          'pre_signing_procedure',
          '协助销管办理合同签订之前的手续',
          'Help sales admin with the pre-signing procedure',
        ),
        item(
          'agent_signs_with_customer',
          '协助代理商与甲方签订代理协议',
          'Help the agent sign with the customer',
        ),
        item(
          'watch_schedule',
          '关注项目进度，确认是否提前订货',
          'Watch the schedule and whether an early order is needed',
        ),
        item(
          'remind_late_agent',
          '代理商该签未签时，以延误货期为由提醒，并向甲方技术决策人了解动向',
          'Remind a late agent (delivery-delay risk) and ask the customer’s technical decision maker',
        ),
        item(
          'ask_decision_maker_to_press',
          '订货拖延时委托甲方技术决策人催代理商订货',
          'If ordering slips, ask that decision maker to press the agent',
        ),
      ],
      // Reaching this milestone wins the deal and ends every sales timer.
      stallSlaDays: null,
      followUpCadenceDays: null,
    },
  ],
  execution: {
    key: 'contract_execution',
    name: { zh: '合同执行', en: 'Contract execution' },
    buyerStage: { zh: '实施', en: 'Implementation' },
    checklist: [
      item('delivery_handover', '向交付团队移交', 'Hand over to the delivery team'),
      item('satisfaction_check', '客户满意度回访', 'Customer satisfaction check-in'),
      item('next_opportunity', '发掘下一个机会', 'Look for the next opportunity'),
    ],
  },
  stallEscalation: { directorAfterDays: 7 },
  approvals: {
    directorFromAmount: 1_000_000,
    reminderAfterDays: 2,
    escalateAfterReminderDays: 3,
  },
  contractWindow: { from: 'business_breakthrough', workingDays: 30 },
  // China Standard Time has no daylight saving, so a fixed offset is exact. Years the State
  // Council has not published yet count Mon–Fri, and due dates reaching them are provisional.
  workCalendar: calendarFromPublishedYears(8 * 60, CHINA_PUBLISHED_YEARS),
  dayCounting: { followUp: 'calendar', stall: 'calendar', approvals: 'calendar' },
  noSponsorWarning: {
    fromMilestone: 'technical_breakthrough_2',
    sponsorStances: ['power_sponsor', 'sponsor'],
  },
  ltc: {
    roles: {
      AR: {
        name: { zh: '客户责任人', en: 'Account responsible (AR)' },
        single: true,
        commands: [
          'completeMilestone',
          'setChecklistItem',
          'logActivity',
          'upsertStakeholder',
          'requestApproval',
          'recordProjectPlan',
          'recordClosingLessons',
        ],
        steps: 'all',
      },
      SR: {
        name: { zh: '解决方案责任人', en: 'Solution responsible (SR)' },
        single: true,
        commands: [
          'completeMilestone',
          'setChecklistItem',
          'logActivity',
          'upsertStakeholder',
          'recordProjectPlan',
          'recordClosingLessons',
        ],
        steps: ['technical_breakthrough_1', 'technical_breakthrough_2'],
      },
      FR: {
        name: { zh: '履行责任人', en: 'Fulfilment responsible (FR)' },
        single: true,
        commands: ['setChecklistItem', 'logActivity', 'acceptHandover', 'recordClosingLessons'],
        steps: ['contract_signed', 'contract_execution'],
      },
      delivery: {
        name: { zh: '交付负责人', en: 'Delivery owner' },
        single: true,
        commands: ['setChecklistItem', 'logActivity', 'acceptHandover'],
        steps: ['contract_execution'],
      },
      member: {
        name: { zh: '项目组成员', en: 'Team member' },
        single: false,
        commands: ['logActivity'],
        steps: [],
      },
    },
    stallAlsoTells: {
      technical_breakthrough_1: ['SR'],
      technical_breakthrough_2: ['SR'],
    },
    kickoff: { fromAmount: 1_000_000, afterMilestone: 'project_initiation' },
    handover: {
      documents: [
        item('contract', '合同及技术协议', 'Contract and technical agreement'),
        item('solution', '技术方案及配置清单', 'Solution and bill of materials'),
        item('commitments', '对客户的承诺事项', 'Commitments made to the customer'),
        item('customer_contacts', '客户关系及联系人', 'Customer relationships and contacts'),
        item('open_risks', '遗留问题与风险', 'Open issues and risks'),
      ],
      checklistItem: 'delivery_handover',
      escalateAfterDays: 5,
      directorAfterDays: 5,
    },
  },
  // The six-step customer funnel (seed 001 §4.2) and its claim (报备) rules: owned by the account
  // workflow (workflows/account.ts). The step keys are logic; the numbers are thresholds.
  customerFunnel: {
    steps: [
      {
        key: 'target',
        name: { zh: '目标客户', en: 'Target' },
        entry: {
          zh: '区域内由团队负责的企业客户，客户经理拜访过并掌握基本状况',
          en: "A company in the team's area that a rep has visited and knows the basics of",
        },
      },
      {
        key: 'listed',
        name: { zh: '清单客户', en: 'Listed (claimed)' },
        entry: {
          zh: '客户经理认领（内部报备），以规范的销售动作延续报备',
          en: 'Claimed by a rep (internal 报备), kept by standard sales actions',
        },
      },
      {
        key: 'potential',
        name: { zh: '潜在客户', en: 'Potential' },
        entry: {
          zh: '拜访中发现商机：有潜在需求并具备购买能力',
          en: 'A business signal found on a visit: a latent need and the means to buy',
        },
      },
      {
        key: 'intent',
        name: { zh: '意向客户', en: 'Intent' },
        entry: {
          zh: '客户提出具体明确的需求：建立商机（销售项目）',
          en: 'The customer states a concrete need: an opportunity is opened',
        },
      },
      {
        key: 'order',
        name: { zh: '订单客户', en: 'Order' },
        entry: {
          zh: '客户认同方案并签订订单（合同签订）',
          en: 'The customer accepts the offer and signs (contract signed)',
        },
      },
      {
        key: 'active',
        name: { zh: '在网客户', en: 'Active customer' },
        entry: {
          zh: '协议签订、业务开通，交接完成，成为在网客户',
          en: 'Agreement signed and service running: the handover is finished',
        },
      },
    ],
    businessSignals: [
      {
        key: 'competitor_complaint',
        name: { zh: '对现有供应商服务、价格的抱怨', en: 'Complaints about the current supplier' },
      },
      { key: 'new_need', name: { zh: '提出新的需求意向', en: 'A new need raised' } },
      { key: 'product_inquiry', name: { zh: '主动了解我司产品、业务', en: 'Asks about our products' } },
      {
        key: 'contract_expiring',
        name: { zh: '现有供应商服务即将到期', en: "Current supplier's contract expiring" },
      },
      {
        key: 'relocation',
        name: { zh: '搬迁或内部通信方式调整', en: 'Moving, or changing how it works internally' },
      },
    ],
    claims: {
      capDefault: 50,
      capMin: 30,
      capMax: 70,
      lapseWorkingDays: 30,
      warnWorkingDaysBefore: 5,
      coolDownDays: 30,
      dailyClaimLimit: 10,
      protectFromMilestone: 'deep_engagement',
      activeStaysWithOwner: true,
    },
    salesActionTypes: ['visit', 'call', 'meeting', 'email'],
  },
} as const satisfies ProcessDefinition;

export type Process = typeof PSM_PROCESS;
export type SalesMilestone = Process['milestones'][number];
export type MilestoneKey = SalesMilestone['key'];
export type ChecklistStepKey = MilestoneKey | Process['execution']['key'];

export const MILESTONE_KEYS: readonly MilestoneKey[] = PSM_PROCESS.milestones.map((m) => m.key);
export const LAST_MILESTONE_INDEX = PSM_PROCESS.milestones.length - 1;
const DAY_MS = 24 * 60 * 60 * 1000;
export const daysToMs = (days: number): number => days * DAY_MS;

export function milestoneIndexOf(key: string): number {
  return PSM_PROCESS.milestones.findIndex((m) => m.key === key);
}

export function milestoneAt(index: number): SalesMilestoneDefinition | undefined {
  return PSM_PROCESS.milestones[index];
}

/** The checklist of a milestone or of the execution step, or undefined for an unknown key. */
export function checklistOf(stepKey: string): readonly KeyedLabel[] | undefined {
  if (stepKey === PSM_PROCESS.execution.key) return PSM_PROCESS.execution.checklist;
  return PSM_PROCESS.milestones.find((m) => m.key === stepKey)?.checklist;
}

/** Criterion keys are unique across the whole process, so a key alone names a criterion (emails use this). */
export function criterionLabel(criterionKey: string): Bilingual | undefined {
  for (const milestone of PSM_PROCESS.milestones as readonly SalesMilestoneDefinition[]) {
    const found = milestone.criteria.find((c) => c.key === criterionKey);
    if (found) return found.label;
    if (milestone.approvalGate?.key === criterionKey) return milestone.approvalGate.label;
  }
  return undefined;
}

export function isSponsorOrBetter(stance: StakeholderStance): boolean {
  return (PSM_PROCESS.noSponsorWarning.sponsorStances as readonly StakeholderStance[]).includes(stance);
}

export function teamRoleOf(role: string): TeamRoleDefinition | undefined {
  return (PSM_PROCESS.ltc.roles as Readonly<Record<string, TeamRoleDefinition>>)[role];
}
