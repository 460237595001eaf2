// OpenTelemetry traces, only when OTEL_EXPORTER_OTLP_ENDPOINT is set: spans from the HTTP request
// (src/observability/http.ts) through the Temporal client's Update or start, the workflow and its
// activities (the SDK's interceptors), exported as OTLP/HTTP JSON to `<endpoint>/v1/traces`.
// Unset, nothing is installed: no tracer, no interceptors, no extra header on any history event.
import { DiagLogLevel, SpanStatusCode, context, diag, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import { extractContextFromHeaders } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { InjectedSinks, WorkerInterceptors, WorkerOptions } from '@temporalio/worker';
import { TRACE_HEADER, type TracingSinks } from './workflow-interceptors';

export interface Tracing {
  /** For every Temporal Client: starts and Updates carry the caller's span to the workflow. */
  clientInterceptors: WorkflowClientInterceptor[];
  /** For the worker: workflow and activity spans, workflow spans leaving the sandbox by a sink. */
  worker: { interceptors: WorkerInterceptors; sinks: NonNullable<WorkerOptions['sinks']> };
  /** Flushes what is buffered and unregisters the global tracer. */
  shutdown(): Promise<void>;
}

export function startTracing(opts: {
  endpoint: string | undefined;
  serviceName: string;
  /** Where the SDK's own warnings go (e.g. the collector refusing or not answering). */
  warn?: (message: string) => void;
}): Tracing | undefined {
  if (!opts.endpoint) return undefined;
  if (opts.warn) {
    const warn = opts.warn;
    const log = (message: string, ...args: unknown[]) =>
      warn([message, ...args.map(String)].join(' ').slice(0, 500));
    diag.setLogger(
      { error: log, warn: log, info: () => {}, debug: () => {}, verbose: () => {} },
      DiagLogLevel.WARN,
    );
  }
  const resource = new Resource({ 'service.name': opts.serviceName });
  const processor = new BatchSpanProcessor(
    new OTLPTraceExporter({ url: `${opts.endpoint.replace(/\/$/, '')}/v1/traces` }),
    { scheduledDelayMillis: 1_000 },
  );
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // Global tracer, AsyncLocalStorage context and W3C trace-context propagation.
  provider.register();
  return {
    clientInterceptors: [new OpenTelemetryWorkflowClientInterceptor()],
    worker: {
      interceptors: {
        // Ours, not the SDK's workflow interceptors: see workflow-interceptors.ts for why.
        workflowModules: [require.resolve('./workflow-interceptors')],
        activity: [
          (ctx) => ({
            inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
            outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
          }),
        ],
      },
      sinks: workflowSpanSink(),
    },
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
      diag.disable();
    },
  };
}

/** Turns the workflow's reports (workflow-interceptors.ts) into spans under the client's span. */
function workflowSpanSink(): InjectedSinks<TracingSinks> {
  const tracer = trace.getTracer('psm-workflow');
  return {
    psmTracing: {
      span: {
        fn(info, span) {
          const parent = span.header && extractContextFromHeaders({ [TRACE_HEADER]: span.header });
          if (!parent) return;
          const s = tracer.startSpan(
            span.name,
            {
              startTime: span.startMs,
              attributes: { temporalWorkflowId: info.workflowId, temporalRunId: info.runId },
            },
            parent,
          );
          if (span.error) s.setStatus({ code: SpanStatusCode.ERROR, message: span.error });
          s.end(span.endMs);
        },
        callDuringReplay: false,
      },
    },
  };
}
