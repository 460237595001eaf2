// Workflow interceptors for tracing, bundled into the workflow sandbox when tracing is on.
//
// Not the SDK's own (@temporalio/interceptors-opentelemetry's workflow interceptors): they wrap
// every handler in awaited spans, which moves the Update's completion relative to the workflow's
// timer and activity commands, and every recorded history in test/histories fails to replay with
// them (test/observability/replay-with-tracing.test.ts). These add no await and no command:
// - each start, Update and signal's trace header (the client's span) is remembered until the end
//   of that workflow activation, and copied onto the activities scheduled in it, so their spans
//   join that command's trace (what a timer schedules days later starts a trace of its own);
// - the workflow's part is reported through a sink (outside the sandbox, never during replay) as
//   a span under the client's: RunWorkflow:<type> when the run starts, HandleUpdate:<name> when
//   an Update settles (ok or refused with its code).
import {
  proxySinks,
  workflowInfo,
  type ActivityInput,
  type Headers,
  type LocalActivityInput,
  type Next,
  type Sinks,
  type UpdateInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
  type WorkflowInternalsInterceptor,
  type WorkflowOutboundCallsInterceptor,
  type SignalInput,
} from '@temporalio/workflow';

/** The header the SDK's client and activity interceptors read and write. */
export const TRACE_HEADER = '_tracer-data';

export interface WorkflowSpan {
  name: string;
  header: Headers[string];
  startMs: number;
  endMs: number;
  /** An error type (a refusal's code) when the handler failed. */
  error?: string;
}

export interface TracingSinks extends Sinks {
  psmTracing: { span(span: WorkflowSpan): void };
}

const { psmTracing } = proxySinks<TracingSinks>();

const failureType = (err: unknown): string => {
  const type = (err as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : 'error';
};

export const interceptors = (): WorkflowInterceptors => {
  let latest: Headers[string] | undefined;
  const remember = (headers: Headers) => {
    if (headers[TRACE_HEADER]) latest = headers[TRACE_HEADER];
    return headers[TRACE_HEADER];
  };
  const stamp = <T extends { headers: Headers }>(input: T): T =>
    latest ? { ...input, headers: { ...input.headers, [TRACE_HEADER]: latest } } : input;

  const inbound: WorkflowInboundCallsInterceptor = {
    execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>) {
      const header = remember(input.headers);
      if (header) {
        const now = Date.now();
        psmTracing.span({
          name: `RunWorkflow:${workflowInfo().workflowType}`,
          header,
          startMs: now,
          endMs: now,
        });
      }
      return next(input);
    },
    handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>) {
      remember(input.headers);
      return next(input);
    },
    handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>) {
      const header = remember(input.headers);
      const result = next(input);
      if (header) {
        const startMs = Date.now();
        const name = `HandleUpdate:${input.name}`;
        // Observes the handler's promise; the Update still settles on `result` itself, unchanged.
        result.then(
          () => psmTracing.span({ name, header, startMs, endMs: Date.now() }),
          (err: unknown) =>
            psmTracing.span({ name, header, startMs, endMs: Date.now(), error: failureType(err) }),
        );
      }
      return result;
    },
  };
  const outbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) {
      return next(stamp(input));
    },
    scheduleLocalActivity(
      input: LocalActivityInput,
      next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>,
    ) {
      return next(stamp(input));
    },
  };
  const internals: WorkflowInternalsInterceptor = {
    concludeActivation(input, next) {
      latest = undefined;
      return next(input);
    },
  };
  return { inbound: [inbound], outbound: [outbound], internals: [internals] };
};
