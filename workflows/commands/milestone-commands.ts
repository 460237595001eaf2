// Moving a deal through the PSM milestones, and ticking their work checklists.

import type {
  CompleteMilestoneCommand,
  OpportunityState,
  SetChecklistItemCommand,
} from '../opportunity-types';
import { PSM_PROCESS, type ProcessDefinition, type SalesMilestoneDefinition } from '../psm-process';
import {
  checklistIn,
  definitionOf,
  lastMilestoneIndexIn,
  milestoneIn,
  milestoneIndexIn,
} from '../process-versions';
import { refuse } from '../opportunity-errors';
import { optionalText, requireStringList, requireText, TEXT_LIMITS } from '../opportunity-input';
import { INPUT_LIMITS } from '../../src/contracts/input-rules';
import { appendEvent, cancelPendingApprovals, enterStage, iso, latestApproval } from '../opportunity-state';
import { FIRST_RULES, requireStatus, type CommandSpec } from './command-spec';
import { closeProject } from '../opportunity-ltc';
import { requirePlanIfKickoff } from './plan-rules';

function requireCompletableMilestone(
  def: ProcessDefinition,
  key: unknown,
): { index: number; milestone: SalesMilestoneDefinition } {
  if (key === def.execution.key) {
    refuse('MILESTONE_OUT_OF_ORDER', `${key} starts by itself when the contract is signed`);
  }
  const index = typeof key === 'string' ? milestoneIndexIn(def, key) : -1;
  const milestone = milestoneIn(def, index);
  if (!milestone) refuse('INVALID_INPUT', `unknown milestone ${String(key)}`);
  return { index, milestone };
}

function hasApprovedSkip(state: OpportunityState, index: number): boolean {
  const milestone = milestoneIn(definitionOf(state), index);
  return (
    milestone !== undefined && latestApproval(state, 'skip_milestone', milestone.key)?.status === 'approved'
  );
}

/** Criteria of `milestone` that still stand between the deal and the milestone, given what is met. */
export function unmetCriteria(milestone: SalesMilestoneDefinition, met: readonly string[]): string[] {
  const unmet = milestone.criteria.map((c) => c.key).filter((key) => !met.includes(key));
  if (milestone.rule === 'all') return unmet;
  return unmet.length < milestone.criteria.length ? [] : unmet;
}

export const completeMilestone: CommandSpec<CompleteMilestoneCommand> = {
  validate(state, command, _now, rules = FIRST_RULES) {
    requireStatus(state, ['open'], 'complete a milestone');
    const def = definitionOf(state);
    const { index, milestone } = requireCompletableMilestone(def, command.milestone);
    if (index <= state.reachedIndex) refuse('MILESTONE_OUT_OF_ORDER', `${milestone.key} was already reached`);
    for (let between = state.reachedIndex + 1; between < index; between += 1) {
      if (!hasApprovedSkip(state, between)) {
        const expected = milestoneIn(def, between)?.key;
        refuse(
          'MILESTONE_OUT_OF_ORDER',
          `complete ${expected} before ${milestone.key}, or have skipping ${expected} approved`,
          { expected },
        );
      }
    }
    const criteriaMet = requireStringList(
      command.criteriaMet,
      'criteriaMet',
      INPUT_LIMITS.criteriaMet,
      INPUT_LIMITS.key,
    );
    // Criteria a process migration left owed are reported met at this completion too.
    const owed = state.owedCriteria?.keys ?? [];
    const unknown = criteriaMet.filter(
      (key) => !milestone.criteria.some((c) => c.key === key) && !owed.includes(key),
    );
    if (unknown.length > 0) {
      refuse('UNKNOWN_CRITERION', `${milestone.key} has no criterion ${unknown.join(', ')}`, { unknown });
    }
    const owedMissing = owed.filter((key) => !criteriaMet.includes(key));
    if (owedMissing.length > 0) {
      refuse(
        'CRITERIA_NOT_MET',
        `the process migration left ${owedMissing.join(', ')} owed (${state.owedCriteria?.milestone}); report it met`,
        { rule: 'all', missing: owedMissing },
      );
    }
    const missing = unmetCriteria(milestone, criteriaMet);
    if (missing.length > 0) {
      const need = milestone.rule === 'all' ? 'all of its criteria' : 'at least one of its criteria';
      refuse('CRITERIA_NOT_MET', `${milestone.key} needs ${need}; not met: ${missing.join(', ')}`, {
        rule: milestone.rule,
        missing,
      });
    }
    if (typeof command.evidence !== 'string' || command.evidence.trim() === '') {
      refuse('EVIDENCE_REQUIRED', `completing ${milestone.key} needs an evidence note`);
    }
    requireText(command.evidence, 'evidence', TEXT_LIMITS.longText);
    if (command.links !== undefined) {
      requireStringList(command.links, 'links', TEXT_LIMITS.links, INPUT_LIMITS.link).forEach((link, i) =>
        optionalText(link, `links[${i}]`),
      );
    }
    if (milestone.approvalGate) {
      const gate = latestApproval(state, 'milestone_gate', milestone.key);
      if (gate?.status === 'pending') {
        refuse('APPROVAL_PENDING', `${milestone.key} waits for approval ${gate.id} by ${gate.approverId}`, {
          approvalId: gate.id,
        });
      }
      if (gate?.status !== 'approved') {
        refuse('APPROVAL_REQUIRED', `${milestone.key} needs an approved milestone_gate approval first`);
      }
    }
    requirePlanIfKickoff(state, milestone.key, rules);
  },

  apply(state, command, { now, rules = FIRST_RULES }) {
    const actorId = command.actor.userId;
    const def = definitionOf(state);
    const target = milestoneIndexIn(def, command.milestone);
    for (let skipped = state.reachedIndex + 1; skipped < target; skipped += 1) {
      const milestone = milestoneIn(def, skipped);
      if (!milestone) continue;
      state.milestones[milestone.key as keyof OpportunityState['milestones']] = {
        reachedAt: iso(now),
        skipped: true,
        criteriaMet: [],
        evidence: null,
        links: [],
        byId: actorId,
      };
      appendEvent(state, now, 'milestone_reached', actorId, {
        milestone: milestone.key,
        milestoneIndex: skipped,
        skipped: true,
      });
    }
    const criteriaMet = [...new Set(command.criteriaMet)];
    const links = command.links ?? [];
    state.milestones[command.milestone] = {
      reachedAt: iso(now),
      skipped: false,
      criteriaMet,
      evidence: command.evidence,
      links,
      byId: actorId,
    };
    // The read model's milestone_reached payload is fixed; the evidence is journalled beside it.
    appendEvent(state, now, 'evidence_recorded', actorId, {
      milestone: command.milestone,
      criteriaMet,
      evidence: command.evidence,
      links,
    });
    appendEvent(state, now, 'milestone_reached', actorId, {
      milestone: command.milestone,
      milestoneIndex: target,
      skipped: false,
    });
    state.reachedIndex = target;
    if (state.owedCriteria) state.owedCriteria = null;
    enterStage(state, now);
    cancelPendingApprovals(
      state,
      now,
      actorId,
      (approval) => approval.milestone !== null && milestoneIndexIn(def, approval.milestone) <= target,
    );
    if (command.milestone === PSM_PROCESS.contractWindow.from) {
      state.contractWindow = { anchor: iso(now), escalated: false };
    }
    if (target === lastMilestoneIndexIn(def)) {
      state.status = 'won';
      state.closedAt = iso(now);
      // A won deal has nothing left to approve: discounts still pending are moot.
      cancelPendingApprovals(state, now, actorId, () => true);
      appendEvent(state, now, 'won', actorId, {});
      if (rules.ltc) closeProject(state, now, actorId);
    }
    return { changed: true };
  },
};

export const setChecklistItem: CommandSpec<SetChecklistItemCommand> = {
  validate(state, command) {
    const def = definitionOf(state);
    const isExecutionStep = command.milestone === def.execution.key;
    if (isExecutionStep) {
      if (state.status === 'lost') requireStatus(state, ['won'], 'tick the contract-execution checklist');
      if (state.status !== 'won') {
        refuse(
          'MILESTONE_OUT_OF_ORDER',
          'the contract-execution checklist opens when the contract is signed',
        );
      }
    } else {
      requireStatus(state, ['open', 'on_hold'], 'tick a milestone checklist');
    }
    const checklist = typeof command.milestone === 'string' ? checklistIn(def, command.milestone) : undefined;
    if (!checklist) refuse('INVALID_INPUT', `unknown milestone ${String(command.milestone)}`);
    if (!checklist.some((entry) => entry.key === command.item)) {
      refuse('UNKNOWN_CHECKLIST_ITEM', `${command.milestone} has no checklist item ${String(command.item)}`);
    }
    if (typeof command.done !== 'boolean') refuse('INVALID_INPUT', 'done must be true or false');
  },

  apply(state, command, { now }) {
    const actorId = command.actor.userId;
    const ticks = (state.checklist[command.milestone] ??= {});
    if ((ticks[command.item]?.done ?? false) === command.done) return { changed: false };
    ticks[command.item] = { done: command.done, at: iso(now), byId: actorId };
    appendEvent(state, now, 'checklist_ticked', actorId, {
      milestone: command.milestone,
      item: command.item,
      done: command.done,
    });

    if (command.milestone === definitionOf(state).execution.key) completeExecutionIfDone(state, now, actorId);
    return { changed: true };
  },
};

/**
 * A won deal completes (合同执行) once its execution checklist is done and, on LTC runs, once the
 * delivery side accepted the handover; the workflow then ends.
 */
export function completeExecutionIfDone(state: OpportunityState, now: number, actorId: string): void {
  if (state.status !== 'won' || state.executionCompletedAt !== null) return;
  const { execution } = definitionOf(state);
  const ticks = state.checklist[execution.key as keyof OpportunityState['checklist']] ?? {};
  const allDone = execution.checklist.every((entry) => ticks[entry.key]?.done === true);
  const handover = state.handover;
  if (!allDone) return;
  if (handover && handover.status === 'pending') {
    if (handover.mode !== 'checklist') return;
    // A plain deal's handover is its finished checklist.
    handover.status = 'accepted';
    handover.acceptedAt = iso(now);
    handover.acceptedById = actorId;
    appendEvent(state, now, 'handover_accepted', actorId, { documents: [], note: null, via: 'checklist' });
  }
  state.executionCompletedAt = iso(now);
  appendEvent(state, now, 'execution_completed', actorId, {});
}
