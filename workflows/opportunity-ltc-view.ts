// The LTC part of getState: the read model's LTC snapshot plus what only the page needs (the plan's
// risks and evidence, what the handover still waits for, who may do what in each role).

import type { LtcSnapshot } from '../src/contracts/activities';
import type { OpportunityState, PlanRisk } from './opportunity-types';
import { PSM_PROCESS, type KeyedLabel } from './psm-process';
import { ltcSnapshot } from './opportunity-ltc-facts';

export interface LtcView extends LtcSnapshot {
  planVersion: number | null;
  risks: PlanRisk[];
  competitors: string[];
  planEvidence: string | null;
  handoverDocuments: readonly KeyedLabel[];
  acceptedDocuments: string[];
}

export function ltcView(state: OpportunityState): LtcView {
  return {
    ...ltcSnapshot(state),
    planVersion: state.plan?.version ?? null,
    risks: state.plan?.risks ?? [],
    competitors: state.plan?.competitors ?? [],
    planEvidence: state.plan?.evidence ?? null,
    handoverDocuments: PSM_PROCESS.ltc.handover.documents,
    acceptedDocuments: state.handover?.documents ?? [],
  };
}
