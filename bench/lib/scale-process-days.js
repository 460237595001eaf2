// bench:timers runs a deal's clocks in seconds instead of days. This file is both halves of that:
// scaleProcessDays multiplies every day count of the process definition (any numeric property
// whose name ends in "Days": follow-up cadences, stall SLAs, the director's delay, approval
// reminders, working-day windows) in place, and the default export is a webpack loader that
// appends a call to that very function to workflows/psm-process.ts, so the workflow bundle and
// the worker's activities (the checkClocks local activity decides what is due) run on the same
// scaled definition. This is the override path test/workflows/replay.test.ts uses
// (fixtures/retune-thresholds-loader.js) without its rounding to whole days. Plain CommonJS
// because webpack require()s loaders directly.

/** Multiplies every numeric `*Days` property of `definition` (deeply) by `factor`, in place. */
function scaleProcessDays(definition, factor) {
  let count = 0;
  const seen = new Set();
  const walk = (node) => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (typeof value === 'number' && /Days$/.test(key)) {
        node[key] = value * factor;
        count += 1;
      } else walk(value);
    }
  };
  walk(definition);
  return count;
}

function loader(source) {
  const { factor } = this.getOptions();
  if (!/export const PSM_PROCESS\b/.test(source))
    throw new Error('scale-process-days: PSM_PROCESS not found');
  return `${source}\n;(${scaleProcessDays.toString()})(PSM_PROCESS, ${Number(factor)});\n`;
}

module.exports = loader;
module.exports.scaleProcessDays = scaleProcessDays;
