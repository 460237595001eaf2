// Imported first by bench/timers.ts: scales the process definition this process's activities use
// (BENCH_DAY_SECONDS: how many seconds a process "day" lasts), before anything reads it.
import { PSM_PROCESS } from '../../workflows/psm-process';
import { createRequire } from 'node:module';

const require = createRequire(__filename);
const { scaleProcessDays } = require('./scale-process-days.js') as {
  scaleProcessDays(definition: unknown, factor: number): number;
};

export const DAY_SECONDS = Number(process.env.BENCH_DAY_SECONDS ?? 30);
export const DAY_FACTOR = DAY_SECONDS / 86_400;
export const SCALED_THRESHOLDS = scaleProcessDays(PSM_PROCESS, DAY_FACTOR);
