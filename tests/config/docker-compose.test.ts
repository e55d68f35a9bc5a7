import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configVariableNames, loadConfig } from '../../config/index.js';
import { bootstrapSteps } from '../../stack/bootstrap.js';
import { stackPaths } from '../../stack/engine.js';
import { compiledEntry, platformProcesses } from '../../stack/platform-processes.js';

// docker-compose.yml cannot run here (no Docker engine); this keeps it honest as the code changes.
const composeText = readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8');
const compose = z
  .object({
    services: z.record(
      z.string(),
      z.object({
        image: z.string().optional(),
        build: z.unknown().optional(),
        command: z.array(z.string()).optional(),
        environment: z.record(z.string(), z.unknown()).optional(),
        restart: z.string().optional(),
        depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
        healthcheck: z.object({ test: z.array(z.string()) }).optional(),
        deploy: z.object({ replicas: z.number().int().optional() }).optional(),
      }),
    ),
  })
  .parse(parse(composeText, { merge: true }));

// ${NAME:?message} must be set by the operator; ${NAME:-default} falls back to its default.
const operatorSets: Record<string, string> = {
  AUTH_JWKS_URL: 'https://login.bank.example/.well-known/jwks.json',
  AUTH_ISSUER: 'https://login.bank.example/',
  AUTH_AUDIENCE: 'dashboard-api',
  ANALYTICS_DB_PASSWORD: 'analytics-secret',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
  TRACE_VIEWER_URL: 'https://traces.bank.example',
};
const substitute = (value: unknown) =>
  String(value).replace(
    /\$\{(\w+)(?::([?-])([^}]*))?\}/g,
    (_, variable: string, kind: string | undefined, rest: string) =>
      operatorSets[variable] ?? (kind === '-' ? rest : ''),
  );
const platformEnv = Object.fromEntries(
  Object.entries(compose.services['api']?.environment ?? {}).map(([name, value]) => [name, substitute(value)]),
);

/** The processes as the local stack runs them, with the entry points and health URLs it uses. */
const processes = platformProcesses(loadConfig(platformEnv));
const entryOf = (spec: (typeof processes)[number]) => spec.args.at(-1) ?? '';
/** Node's own flags for a process (heap limits), before the loader and the entry point. */
const nodeFlagsOf = (spec: (typeof processes)[number]) => spec.args.slice(0, spec.args.indexOf('--import'));

describe('docker-compose.yml', () => {
  it('is a valid Compose file by the Compose Specification schema', () => {
    // The schema is written for validators that accept union types and untyped keywords; strict mode
    // would only lint the schema itself, which is Docker's, not ours.
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const schema = JSON.parse(readFileSync(join(stackPaths(loadConfig()).dir, 'compose-spec.json'), 'utf8')) as object;
    const validate = ajv.compile(schema);
    // Validated as Compose reads it: anchors merged, the operator's variables interpolated.
    const interpolated = parse(
      composeText.replace(/\$\{[^}]+\}/g, (v) => substitute(v)),
      { merge: true },
    ) as unknown;
    expect(validate(interpolated), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it("runs every engine, the Temporal UI, and Temporal's own server with the config the local production profile runs", () => {
    for (const engine of ['cassandra', 'kafka', 'redis', 'postgres', 'temporal', 'temporal-ui'])
      expect(compose.services).toHaveProperty(engine);
    const temporal = compose.services['temporal'];
    // Built from Temporal's Go module like setup builds it: no image meant only for development.
    expect(temporal?.image).toBeUndefined();
    expect(temporal?.build).toEqual({ context: '.', target: 'temporal' });
    expect(temporal?.command?.join(' ')).toContain('--root /app --config temporal-config --env server start');
    const versions = JSON.parse(readFileSync(new URL('../../stack/versions.json', import.meta.url), 'utf8')) as {
      temporalServer: string;
    };
    expect(readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8')).toContain(
      `ARG TEMPORAL_SERVER_VERSION=${versions.temporalServer}\n`,
    );
    // Every variable temporal-config/server.yaml reads is set here as the local stack sets it.
    const serverYaml = readFileSync(new URL('../../temporal-config/server.yaml', import.meta.url), 'utf8');
    const read = [...serverYaml.matchAll(/env "(\w+)"/g)].map((m) => m[1]);
    const optional = ['TEMPORAL_LOG_LEVEL', 'TEMPORAL_BROADCAST_ADDRESS'];
    expect(Object.keys(temporal?.environment ?? {}).sort()).toEqual(
      [...new Set(read)].filter((name) => name !== undefined && !optional.includes(name)).sort(),
    );
    expect(temporal?.environment).toMatchObject({
      CASSANDRA_CONTACT_POINTS: 'cassandra',
      TEMPORAL_HISTORY_SHARDS: '512',
    });
    expect(temporal?.depends_on?.['init-temporal-schema']).toEqual({ condition: 'service_completed_successfully' });
    expect(temporal?.healthcheck?.test).toEqual([
      'CMD',
      'node',
      'dist/stack/healthcheck.js',
      'temporal://127.0.0.1:7233',
    ]);
  });

  it('runs every process of the platform compiled from the one Dockerfile, as the local stack runs it compiled', () => {
    for (const spec of processes) {
      const service = compose.services[spec.name];
      expect(service?.build, spec.name).toEqual({ context: '.', target: 'platform' });
      // The same entry point, compiled, and the same Node flags (heap limits among them).
      expect(service?.command, spec.name).toEqual([
        'node',
        ...nodeFlagsOf(spec),
        '--enable-source-maps',
        compiledEntry(entryOf(spec)),
      ]);
    }
  });

  it('creates every schema with one-shot init services running the steps the local stack runs, before any process starts', () => {
    for (const step of ['temporal-schema', ...Object.keys(bootstrapSteps)]) {
      const init = compose.services[`init-${step}`];
      expect(init?.command, step).toEqual(['node', 'dist/stack/init.js', step]);
      // Retried a bounded number of times, never for ever.
      expect(init?.restart, step).toMatch(/^on-failure:\d+$/);
      for (const condition of Object.values(init?.depends_on ?? {}))
        expect(condition.condition).toBe('service_healthy');
    }
    const needs: Record<string, string[]> = {
      api: ['cassandra', 'kafka', 'temporal'],
      worker: ['cassandra', 'kafka', 'temporal'],
      bridge: ['cassandra', 'kafka', 'temporal'],
      analytics: ['kafka', 'temporal', 'analytics'],
    };
    for (const [service, steps] of Object.entries(needs)) {
      for (const step of steps)
        expect(compose.services[service]?.depends_on?.[`init-${step}`], `${service} after init-${step}`).toEqual({
          condition: 'service_completed_successfully',
        });
    }
  });

  it('checks every process by the health URL the local supervisor waits on, and runs api, worker and bridge twice', () => {
    for (const spec of processes) {
      const url = new URL(spec.healthUrl ?? '');
      const check = compose.services[spec.name]?.healthcheck?.test;
      expect(check?.slice(0, 3), spec.name).toEqual(['CMD', 'node', 'dist/stack/healthcheck.js']);
      const checked = new URL(check?.[3] ?? '');
      expect(`${checked.port}${checked.pathname}`, spec.name).toBe(`${url.port}${url.pathname}`);
    }
    for (const service of ['api', 'worker', 'bridge'])
      expect(compose.services[service]?.deploy?.replicas, service).toBeGreaterThanOrEqual(2);
  });

  it('sets only environment variables that config/index.ts reads', () => {
    for (const { name: service } of processes) {
      const names = Object.keys(compose.services[service]?.environment ?? {});
      expect(names.length, service).toBeGreaterThan(0);
      expect(
        names.filter((n) => !configVariableNames.includes(n)),
        service,
      ).toEqual([]);
    }
  });

  it('gives the platform a configuration its processes accept in production once the operator sets what it asks for', () => {
    const substituted = platformEnv;
    const config = loadConfig(substituted);
    expect(config).toMatchObject({
      NODE_ENV: 'production',
      AUTH_JWKS_URL: operatorSets['AUTH_JWKS_URL'],
      AUTH_ADMIN_CLAIM: 'roles',
    });
    expect(() => loadConfig({ ...substituted, AUTH_JWKS_URL: '' })).toThrow(/AUTH_JWKS_URL: required in production/);
  });
});
