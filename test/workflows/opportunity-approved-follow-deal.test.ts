// An approval already given but not used yet follows the deal (runs since
// patched('psm-void-approved-on-change'), issue 9 item 10): "ask while small, have the manager
// approve, raise the amount, complete the milestone" no longer bypasses the director.

import { ACTORS, USERS, useHarness, refusalOf, type DealDriver } from './helpers';
import type { Actor } from '../../workflows/opportunity-types';
import { complete, requestGate } from './scenarios';

const h = useHarness();

async function approval(deal: DealDriver, id: string) {
  return (await deal.state()).approvals.find((a) => a.id === id);
}

async function eventsOf(deal: DealDriver, type: string) {
  return (await deal.state()).events.filter((e) => e.type === type);
}

async function approvedGate(deal: DealDriver, decider: Actor = ACTORS.manager): Promise<string> {
  const gate = await requestGate(deal);
  await deal.command('decideApproval', decider, { approvalId: gate, decision: 'approved' });
  expect((await approval(deal, gate))?.status).toBe('approved');
  return gate;
}

describe('an approved gate not used yet follows the deal', () => {
  test('approved by the manager while small, then the amount raised: the director must approve', async () => {
    const deal = await h.startDeal({ amount: 600_000 });
    const gate = await approvedGate(deal);

    await deal.command('updateDeal', ACTORS.rep, { amount: 2_400_000 });
    const state = await deal.state();
    // The manager's approval no longer counts; who gave it stays on record.
    expect(state.approvals.find((a) => a.id === gate)).toMatchObject({
      status: 'cancelled',
      decidedById: USERS.manager,
    });
    const pending = state.approvals.filter((a) => a.status === 'pending');
    expect(pending).toEqual([
      expect.objectContaining({
        kind: 'milestone_gate',
        milestone: 'project_initiation',
        approverId: USERS.director,
        requestedById: USERS.rep,
      }),
    ]);
    expect(await eventsOf(deal, 'approval_rerouted')).toEqual([
      expect.objectContaining({
        actorId: USERS.rep,
        payload: {
          approvalId: gate,
          newApprovalId: pending[0]?.id,
          fromApproverId: USERS.manager,
          toApproverId: USERS.director,
          reason: 'amount_changed',
          previousStatus: 'approved',
        },
      }),
    ]);
    expect((await eventsOf(deal, 'approval_decided')).at(-1)?.payload).toEqual({
      approvalId: gate,
      decision: 'cancelled',
      comment: null,
      previousStatus: 'approved',
    });

    // The bypass: completing the milestone on the manager's approval is refused.
    expect((await refusalOf(complete(deal, 'project_initiation'))).code).toBe('APPROVAL_PENDING');
    // The manager cannot approve the re-asked gate either; the director can.
    const byManager = await refusalOf(
      deal.command('decideApproval', ACTORS.manager, {
        approvalId: pending[0]?.id ?? '',
        decision: 'approved',
      }),
    );
    expect(byManager.code).toBe('NOT_APPROVER');
    await deal.command('decideApproval', ACTORS.director, {
      approvalId: pending[0]?.id ?? '',
      decision: 'approved',
    });
    await complete(deal, 'project_initiation');
  });

  test('an approved skip of a gated milestone is re-asked of the director too', async () => {
    const deal = await h.startDeal({ amount: 600_000 });
    const { approvalId: skip } = await deal.command('requestApproval', ACTORS.rep, {
      kind: 'skip_milestone',
      milestone: 'project_initiation',
      reason: 'The customer ran the initiation workshop themselves.',
    });
    await deal.command('decideApproval', ACTORS.manager, { approvalId: skip ?? '', decision: 'approved' });
    await deal.command('updateDeal', ACTORS.rep, { amount: 2_400_000 });
    expect((await approval(deal, skip ?? ''))?.status).toBe('cancelled');
    expect((await deal.state()).approvals.filter((a) => a.status === 'pending')).toEqual([
      expect.objectContaining({ kind: 'skip_milestone', approverId: USERS.director }),
    ]);
    expect((await refusalOf(complete(deal, 'deep_engagement'))).code).toBe('MILESTONE_OUT_OF_ORDER');
  });

  test('a director’s approval holds when the amount goes down', async () => {
    const deal = await h.startDeal({ amount: 2_400_000 });
    const gate = await approvedGate(deal, ACTORS.director);
    await deal.command('updateDeal', ACTORS.rep, { amount: 600_000 });
    expect((await approval(deal, gate))?.status).toBe('approved');
    expect(await eventsOf(deal, 'approval_rerouted')).toEqual([]);
    await complete(deal, 'project_initiation');
  });

  test('an admin’s approval holds when the amount goes up', async () => {
    const deal = await h.startDeal({ amount: 600_000 });
    const gate = await approvedGate(deal, ACTORS.admin);
    await deal.command('updateDeal', ACTORS.rep, { amount: 2_400_000 });
    expect((await approval(deal, gate))?.status).toBe('approved');
    await complete(deal, 'project_initiation');
  });

  test('an approval already used stays as it was', async () => {
    const deal = await h.startDeal({ amount: 600_000 });
    const gate = await approvedGate(deal);
    await complete(deal, 'project_initiation');
    await deal.command('updateDeal', ACTORS.rep, { amount: 2_400_000 });
    expect((await approval(deal, gate))?.status).toBe('approved');
    expect(await eventsOf(deal, 'approval_rerouted')).toEqual([]);
  });
});
