import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configVariableNames, loadConfig } from '../../config/index.js';

// docker-compose.yml cannot run here (no Docker engine); this keeps it honest as the code changes.
const compose = z
  .object({
    services: z.record(
      z.string(),
      z.object({
        image: z.string().optional(),
        build: z.unknown().optional(),
        command: z.array(z.string()).optional(),
        environment: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
  })
  .parse(parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }));

const platformProcesses = {
  api: 'api/server.ts',
  worker: 'workers/worker.ts',
  bridge: 'workers/bridge.ts',
  analytics: 'workers/analytics.ts',
  accounts: 'domain-services/accounts/server.ts',
  partners: 'domain-services/partners/server.ts',
  transactions: 'domain-services/transactions/server.ts',
  offers: 'domain-services/offers/server.ts',
};

describe('docker-compose.yml', () => {
  it('runs every engine, the Temporal UI, and Temporal on Cassandra persistence', () => {
    for (const engine of ['cassandra', 'kafka', 'redis', 'postgres', 'temporal', 'temporal-ui'])
      expect(compose.services).toHaveProperty(engine);
    expect(compose.services['temporal']?.environment).toMatchObject({ DB: 'cassandra', CASSANDRA_SEEDS: 'cassandra' });
  });

  it('runs every process of the platform from the one Dockerfile, each with its entry point', () => {
    for (const [service, entry] of Object.entries(platformProcesses)) {
      expect(compose.services[service]?.build, service).toBe('.');
      expect(compose.services[service]?.command, service).toContain(entry);
    }
  });

  it('sets only environment variables that config/index.ts reads', () => {
    for (const service of Object.keys(platformProcesses)) {
      const names = Object.keys(compose.services[service]?.environment ?? {});
      expect(names.length, service).toBeGreaterThan(0);
      expect(
        names.filter((n) => !configVariableNames.includes(n)),
        service,
      ).toEqual([]);
    }
  });

  it('gives the platform a configuration its processes accept in production once the operator sets what it asks for', () => {
    // ${NAME:?message} must be set by the operator; ${NAME:-default} falls back to its default.
    const operatorSets: Record<string, string> = {
      AUTH_JWKS_URL: 'https://login.bank.example/.well-known/jwks.json',
      AUTH_ISSUER: 'https://login.bank.example/',
      AUTH_AUDIENCE: 'dashboard-api',
      ANALYTICS_DB_PASSWORD: 'analytics-secret',
    };
    const substituted = Object.fromEntries(
      Object.entries(compose.services['api']?.environment ?? {}).map(([name, value]) => [
        name,
        String(value).replace(
          /\$\{(\w+)(?::([?-])([^}]*))?\}/g,
          (_, variable: string, kind: string | undefined, rest: string) =>
            operatorSets[variable] ?? (kind === '-' ? rest : ''),
        ),
      ]),
    );
    const config = loadConfig(substituted);
    expect(config).toMatchObject({
      NODE_ENV: 'production',
      AUTH_JWKS_URL: operatorSets['AUTH_JWKS_URL'],
      AUTH_ADMIN_CLAIM: 'roles',
    });
    expect(() => loadConfig({ ...substituted, AUTH_JWKS_URL: '' })).toThrow(/AUTH_JWKS_URL: required in production/);
  });
});
