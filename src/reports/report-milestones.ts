// The milestones reports show, by key (issue 17): a deal on version 1 at position 3 and a deal on
// version 2 at position 3 may sit at different milestones, so every report groups, labels and
// compares by the milestone key the read model stores (Opportunity.milestone,
// MilestoneEvent.milestone, the rollups' "milestone"), never by position. Positions here are only
// the order a report lists milestones in: the latest version's, with each milestone an older
// version had and the latest dropped placed after its old neighbour (so its deals still show).
import type { Bilingual, ProcessDefinition } from '../../workflows/psm-process';
import { definitionOf, processVersions, type ProcessVersion } from '../../workflows/process-versions';

export interface ReportMilestone {
  readonly key: string;
  /** Its place in the report's order (not a position in any one version). */
  readonly index: number;
  /** Name, win %, SLA as the newest version that has the milestone defines them. */
  readonly name: Bilingual;
  readonly winPct: number;
  readonly stallSlaDays: number | null;
  /** In the latest version (false: only older versions have it). */
  readonly current: boolean;
  /** The last milestone of every version that has it: there is no next one to convert to. */
  readonly last: boolean;
}

let cached: { versions: readonly ProcessVersion[]; order: readonly ReportMilestone[] } | null = null;

/** Every milestone of every version, in the report's order (see the file comment). */
export function reportMilestones(): readonly ReportMilestone[] {
  const versions = processVersions();
  if (cached?.versions === versions) return cached.order;
  const newestFirst = [...versions].reverse();
  const keys: string[] = [];
  for (const { definition } of newestFirst) {
    definition.milestones.forEach((m, position) => {
      if (keys.includes(m.key)) return;
      // After the nearest milestone before it (in its version) that the order already has.
      let at = 0;
      for (let before = position - 1; before >= 0; before -= 1) {
        const found = keys.indexOf(definition.milestones[before]!.key);
        if (found >= 0) {
          at = found + 1;
          break;
        }
      }
      keys.splice(at, 0, m.key);
    });
  }
  const order = keys.map((key, index): ReportMilestone => {
    const having = newestFirst.filter((v) => v.definition.milestones.some((m) => m.key === key));
    const m = having[0]!.definition.milestones.find((n) => n.key === key)!;
    return {
      key,
      index,
      name: m.name,
      winPct: m.winPct,
      stallSlaDays: m.stallSlaDays,
      current: having[0] === newestFirst[0],
      last: having.every((v) => v.definition.milestones.at(-1)?.key === key),
    };
  });
  cached = { versions, order };
  return order;
}

export function reportMilestoneKeys(): string[] {
  return reportMilestones().map((m) => m.key);
}

/** The milestone `key` and every one after it in the report's order (e.g. the forecast's commit). */
export function keysFrom(key: string): string[] {
  const keys = reportMilestoneKeys();
  const at = keys.indexOf(key);
  return at < 0 ? [] : keys.slice(at);
}

/** Consecutive milestones of the report's order: the steps a conversion is measured over. */
export function reportSteps(): { from: string; to: string }[] {
  const order = reportMilestones();
  return order.slice(0, -1).map((m, i) => ({ from: m.key, to: order[i + 1]!.key }));
}

/**
 * The milestone after `key` in the definition the deal runs on (its first for `null`: the deal
 * reached none yet); null after its last, or for a key or version it does not have.
 */
export function nextMilestoneOf(deal: { processVersion?: number | null }, key: string | null): string | null {
  let def: ProcessDefinition;
  try {
    def = definitionOf(deal);
  } catch {
    return null;
  }
  const at = key === null ? -1 : def.milestones.findIndex((m) => m.key === key);
  if (key !== null && at < 0) return null;
  return def.milestones[at + 1]?.key ?? null;
}
