import { createRequire } from 'node:module';
import type { ClientInterceptors } from '@temporalio/client';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { Tracing } from './tracing.js';

/**
 * Temporal's own OpenTelemetry interceptors, so a trace runs from the caller through the workflow into
 * its activities: the client puts the active trace into each start, signal and update; the workflow
 * module (bundled with the workflow code) opens the workflow's spans; the activity interceptor
 * continues them. Workflow spans leave the sandbox through the `exporter` sink.
 */
export function tracedClientInterceptors(): ClientInterceptors {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}

/** The workflow interceptor module, for bundleWorkflowCode's workflowInterceptorModules. */
export const workflowTracingModule = createRequire(import.meta.url).resolve(
  '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors',
);

/** Interceptors and the span sink of a worker; with tracing off its spans are dropped. */
export function tracedWorkerOptions(tracing: Pick<Tracing, 'spanProcessor' | 'resource'>) {
  return {
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  } satisfies Pick<WorkerOptions, 'interceptors' | 'sinks'>;
}
