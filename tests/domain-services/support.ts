import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { expect } from 'vitest';
import { loadConfig, splitAddress } from '../../config/index.js';
import { parseEvent, type DomainEvent } from '../../dashboard/index.js';
import { listen, type Listening } from '../../domain-services/shared/listen.js';
import type { DomainService, DomainServiceDeps } from '../../domain-services/shared/service.js';
import { freePort } from '../support/free-port.js';
import { consumeFromNow } from '../support/kafka.js';
import { unique } from '../support/unique.js';

export const config = loadConfig();
export const silentLogger = pino({ level: 'silent' });

/** Small seeded population: every test is free to use any user, state is isolated by the data dir. */
export const SEED_USERS = 10_000;

export function randomUser(): string {
  return `u-${1 + Math.floor(Math.random() * SEED_USERS)}`;
}

export async function tempDataDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'domain-services-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export function baseDeps(dataDir: string, brokers: string[] = config.KAFKA_BROKERS): DomainServiceDeps {
  return {
    dataDir,
    seedUsers: SEED_USERS,
    logger: silentLogger,
    kafka: { brokers, clientId: unique('ds-test') },
    relay: { initialBackoffMs: 50, maxBackoffMs: 500 },
  };
}

export interface Running {
  service: DomainService;
  server: Listening;
  url: string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; contentType: string; body: unknown }>;
  stop(flushDeadlineMs?: number): Promise<void>;
}

/** Serves a service on a free port, the way the entry points do, and gives a tiny JSON client. */
export async function run(service: DomainService): Promise<Running> {
  const server = await listen(service.app, { host: '127.0.0.1', port: 0 });
  return {
    service,
    server,
    url: server.url,
    async call(method, path, body) {
      const response = await fetch(server.url + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        body: text === '' ? null : (JSON.parse(text) as unknown),
      };
    },
    async stop(flushDeadlineMs = 5_000) {
      await server.close();
      await service.close(flushDeadlineMs);
    },
  };
}

/** A problem+json answer with the given status and stable code. */
export function expectProblem(
  response: { status: number; contentType: string; body: unknown },
  status: number,
  code: string,
): void {
  expect(response.status).toBe(status);
  expect(response.contentType).toContain('application/problem+json');
  expect(response.body).toMatchObject({
    status,
    code,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
}

/** Parses a write's answer as a domain event of the contract; fails the test otherwise. */
export function expectEvent<T extends DomainEvent['type']>(body: unknown, type: T): Extract<DomainEvent, { type: T }> {
  const parsed = parseEvent(body);
  if (!parsed.ok || !parsed.known) throw new Error(`not a known event: ${JSON.stringify(body)}`);
  expect(parsed.event.type).toBe(type);
  return parsed.event as Extract<DomainEvent, { type: T }>;
}

export interface TopicMessage {
  key: string;
  event: unknown;
}

/**
 * Reads a real domain topic from the offsets it had when the watch began, with a consumer group of
 * its own: nothing before the test is read, nothing the test causes is missed.
 */
export interface TopicWatch {
  messages: TopicMessage[];
  /** Waits until messages carrying all these event ids arrived; returns them in arrival order. */
  waitForEvents(ids: readonly string[], timeoutMs?: number): Promise<TopicMessage[]>;
  stop(): Promise<void>;
}

export async function watchTopic(topic: string): Promise<TopicWatch> {
  const kafka = new Kafka({
    clientId: unique('ds-test-watch'),
    brokers: config.KAFKA_BROKERS,
    logLevel: logLevel.NOTHING,
  });
  const messages: TopicMessage[] = [];
  const consumer = await consumeFromNow(kafka, topic, (message) => {
    messages.push({ key: String(message.key), event: JSON.parse(String(message.value)) as unknown });
  });

  return {
    messages,
    async waitForEvents(ids, timeoutMs = 30_000) {
      const wanted = new Set(ids);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.filter((m) => wanted.has(eventId(m.event)));
        if (new Set(found.map((m) => eventId(m.event))).size === wanted.size) return found;
        if (Date.now() > deadline)
          throw new Error(
            `events ${[...wanted].filter((id) => !found.some((m) => eventId(m.event) === id)).join(', ')} did not arrive on ${topic} within ${timeoutMs} ms`,
          );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stop: () => consumer.stop(),
  };
}

export function eventId(event: unknown): string {
  return typeof event === 'object' && event !== null && 'id' in event ? String(event.id) : '';
}

/** A local port nothing listens on (yet): a Kafka "broker" that refuses every connection. */
export const closedPort = freePort;

/**
 * Makes Kafka reachable at `port`: a TCP pass-through to the real broker. Clients only bootstrap
 * through it (the broker then advertises its own address), which is enough to end an "outage" of a
 * producer that was configured with `127.0.0.1:<port>`.
 */
export async function kafkaBootstrapProxy(port: number): Promise<{ close(): Promise<void> }> {
  const target = splitAddress(config.KAFKA_BROKERS[0] ?? '127.0.0.1:9092');
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function waitUntil(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * One watch per topic for a whole test file: joining a consumer group takes seconds, and events are
 * told apart by id. Call `stopAll` in the file's afterAll.
 */
export function topicWatches(): { watching(topic: string): Promise<TopicWatch>; stopAll(): Promise<void> } {
  const watches = new Map<string, Promise<TopicWatch>>();
  return {
    watching(topic) {
      let watch = watches.get(topic);
      if (watch === undefined) {
        watch = watchTopic(topic);
        watches.set(topic, watch);
      }
      return watch;
    },
    async stopAll() {
      for (const watch of watches.values()) await (await watch).stop();
    },
  };
}
