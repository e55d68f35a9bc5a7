import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  isSpanContextValid,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';

/**
 * W3C trace context as data, for hops that carry no headers: a domain event in its service's outbox
 * (the CloudEvents distributed-tracing extension names the fields so), a user's trigger in a
 * rebuildBatch input. Injected and extracted by OpenTelemetry's registered propagator.
 */
export interface TraceCarrier {
  readonly traceparent?: string;
  readonly tracestate?: string;
}

export const tracer = trace.getTracer('dashboard-platform');

/** The active (or given) context's trace fields; empty when nothing is traced. */
export function traceCarrier(from: Context = context.active()): TraceCarrier {
  const carrier: Record<string, string> = {};
  propagation.inject(from, carrier);
  return {
    ...(carrier.traceparent === undefined ? {} : { traceparent: carrier.traceparent }),
    ...(carrier.tracestate === undefined ? {} : { tracestate: carrier.tracestate }),
  };
}

/** The trace fields of a context that continues `span`. */
export function carrierOf(span: Span): TraceCarrier {
  return traceCarrier(trace.setSpan(ROOT_CONTEXT, span));
}

/** The context a carrier continues (the root context when it carries none). */
export function contextOf(carrier: TraceCarrier | undefined): Context {
  return propagation.extract(ROOT_CONTEXT, carrier ?? {});
}

type KafkaHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

const kafkaHeaderGetter: TextMapGetter<KafkaHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => {
    const value = headers[key];
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.map(String) : String(value);
  },
};

/** The context a Kafka message's headers continue. */
export function contextOfKafkaHeaders(headers: KafkaHeaders | undefined): Context {
  return propagation.extract(ROOT_CONTEXT, headers ?? {}, kafkaHeaderGetter);
}

/** A link to the span a context holds, if it holds one. */
export function linkTo(from: Context): Link[] {
  const span = trace.getSpanContext(from);
  return span === undefined ? [] : [{ context: span }];
}

export interface SpanOptions {
  readonly parent?: Context;
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  readonly links?: Link[];
}

/**
 * Runs `work` in a new span (a child of `parent`, else of the active context) and ends it: an error
 * thrown marks the span failed and is thrown on.
 */
export async function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer.startSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
      ...(options.links ? { links: options.links } : {}),
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

export { SpanKind };

/** A pino mixin: the active span's ids on every log line, so a log line leads to its trace. */
export function traceLogFields(): { traceId?: string; spanId?: string } {
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : {};
}
