import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NoopSpanProcessor,
  NodeTracerProvider,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import type { Config } from '../../config/index.js';

/** What a process's tracing gives the parts that export spans themselves (Temporal's workflow sink). */
export interface Tracing {
  readonly spanProcessor: SpanProcessor;
  readonly resource: Resource;
  /** Flushes what is buffered (within the exporter's own timeout) and stops exporting. */
  shutdown(): Promise<void>;
}

type TracingConfig = Pick<Config, 'OTEL_TRACES_EXPORTER' | 'OTEL_EXPORTER_ZIPKIN_ENDPOINT'>;

/**
 * The exporter OTEL_TRACES_EXPORTER names. Chosen here rather than by the OpenTelemetry Node SDK's
 * env handling because Temporal's workflow span sink needs the processor itself; each exporter still
 * reads its own OTEL_EXPORTER_* variables (endpoint, headers, timeout). Loaded only when chosen: the
 * OTLP exporter brings protobufjs along, which an untraced process need not hold.
 */
async function exporterFor(config: TracingConfig): Promise<SpanExporter | undefined> {
  switch (config.OTEL_TRACES_EXPORTER) {
    case 'otlp': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
      return new OTLPTraceExporter();
    }
    case 'zipkin': {
      const { ZipkinExporter } = await import('@opentelemetry/exporter-zipkin');
      return new ZipkinExporter(
        config.OTEL_EXPORTER_ZIPKIN_ENDPOINT === undefined ? {} : { url: config.OTEL_EXPORTER_ZIPKIN_ENDPOINT },
      );
    }
    case 'console':
      return new ConsoleSpanExporter();
    case 'none':
      return undefined;
  }
}

/**
 * Starts tracing for one process, before it creates its clients: W3C trace context in the process's
 * async context, outgoing HTTP calls (undici and fetch, through their diagnostics channels) as client
 * spans that carry `traceparent`, and spans exported in batches. Sampling follows OTEL_TRACES_SAMPLER.
 * With 'none' nothing is registered and every span is a no-op.
 */
export async function startTracing(service: string, config: TracingConfig): Promise<Tracing> {
  const resource = new Resource({ 'service.name': service });
  const exporter = await exporterFor(config);
  if (exporter === undefined) {
    return { spanProcessor: new NoopSpanProcessor(), resource, shutdown: async () => {} };
  }
  const spanProcessor = new BatchSpanProcessor(exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [new UndiciInstrumentation()],
  });
  return {
    spanProcessor,
    resource,
    async shutdown() {
      unregister();
      await provider.shutdown();
    },
  };
}
