// The one place a worker is built: the activities come in already wired to their clients.
import path from 'node:path';
import {
  Worker,
  type WorkerOptions,
  type NativeConnection,
  type WorkerInterceptors,
  type WorkflowBundleOption,
} from '@temporalio/worker';
import type { Activities } from '../contracts/activities';

export const WORKFLOWS_PATH = path.resolve(__dirname, '../../workflows');

export async function createWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /**
   * TEMPORAL_STICKY_TIMEOUT_MS. A deal's workflow tasks go first to the worker that has it cached;
   * if that worker died, they wait this long before any healthy worker may take them. Temporal's
   * default (10 s) equals the API's UPDATE_TIMEOUT_MS, so commands to a dead worker's deals would
   * fail with 503 for that long; a second or two lets another worker answer well inside the wait.
   */
  stickyTimeoutMs: number;
  workflowBundle?: WorkflowBundleOption;
  /** Tests only: another workflows folder or file than the product's. */
  workflowsPath?: string;
  /**
   * TEMPORAL_MAX_CACHED_WORKFLOWS: deals kept in memory between their tasks (the sticky cache).
   * Unset: the SDK's default from the heap limit. Deals sit idle for days, so the cache need not
   * hold every open deal: an evicted one replays its history on its next task (README, sizing).
   */
  maxCachedWorkflows?: number;
  /**
   * Workflow tasks the worker holds at once (the SDK's default: 40). They share one JavaScript
   * thread, so on a CPU-starved worker a long queue of held tasks outlives the workflow task
   * timeout: the server hands them out again and the worker redoes them (bench:timers).
   */
  maxConcurrentWorkflowTaskExecutions?: number;
  /** Tracing's workflow and activity interceptors and span sink, when it is on. */
  tracing?: { interceptors: WorkerInterceptors; sinks: NonNullable<WorkerOptions['sinks']> };
}): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: opts.activities,
    stickyQueueScheduleToStartTimeout: opts.stickyTimeoutMs,
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : { workflowsPath: opts.workflowsPath ?? WORKFLOWS_PATH }),
    ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
    ...(opts.maxConcurrentWorkflowTaskExecutions !== undefined
      ? { maxConcurrentWorkflowTaskExecutions: opts.maxConcurrentWorkflowTaskExecutions }
      : {}),
    ...(opts.tracing ? { interceptors: opts.tracing.interceptors, sinks: opts.tracing.sinks } : {}),
  });
}
