import { z } from 'zod';

/**
 * The one configuration module: every process reads its settings here, from environment variables
 * parsed by zod. Defaults point at the local stack (`npm run stack:up`), so nothing needs setting
 * for local use; docker-compose.yml sets the same names for production.
 */

const port = z.coerce.number().int().min(1).max(65535);
const durationMs = z.coerce.number().int().min(1);
/** Signs and checks local development tokens only; production refuses any JWT_SECRET. */
export const DEVELOPMENT_JWT_SECRET = 'local-development-secret-change-me-in-production';

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  /** Host the local engines bind to and the clients connect to. */
  STACK_HOST: z.string().min(1).default('127.0.0.1'),
  /** Folder for the local engines' installs, data, logs and pid files (git-ignored). */
  STACK_DIR: z.string().min(1).default('.stack'),
  /**
   * Which Temporal the local stack runs: 'development', the dev server (SQLite, one history shard, up
   * in a second), or 'production', Temporal's own server on the stack's Cassandra with visibility on its
   * PostgreSQL, as deployed (stack/temporal-server.ts). Unset, the stack keeps the profile it was started
   * with (`npm run stack:up -- --profile production` records it), else 'development'.
   */
  STACK_PROFILE: z.enum(['development', 'production']).optional(),
  /**
   * History shards of the production profile's cluster, fixed when its keyspace is first set up.
   * Production runs 512 (temporal-config/server.yaml says why); a machine with two cores runs 16.
   */
  TEMPORAL_HISTORY_SHARDS: z.coerce.number().int().min(1).max(16_384).default(16),
  /** Temporal's schema tools, for the init step that applies its schemas; locally where setup builds them. */
  TEMPORAL_SCHEMA_TOOLS: z.string().min(1).optional(),
  /** Where a Temporal server on Cassandra keeps its state, and its visibility database on PostgreSQL. */
  TEMPORAL_KEYSPACE: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,47}$/, 'a Cassandra keyspace name')
    .default('temporal'),
  TEMPORAL_VISIBILITY_DATABASE: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,62}$/, 'a PostgreSQL database name')
    .default('temporal_visibility'),

  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_UI_PORT: port.default(8233),
  /** Where operators open the Temporal UI; the web ops console links into it. */
  TEMPORAL_UI_URL: z.string().url().default('http://127.0.0.1:8233'),
  /**
   * Where the Temporal UI has payloads sealed with a user's key opened: the API's codec endpoint
   * (api/routes/temporal-codec.ts), which takes admin tokens only. Unset: the API this stack serves.
   */
  TEMPORAL_UI_CODEC_ENDPOINT: z.string().url().optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('dashboard'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('dashboard'),

  /**
   * Tracing, by OpenTelemetry's own variable names (the exporters read the rest, e.g.
   * OTEL_EXPORTER_OTLP_ENDPOINT): production exports OTLP to its collector; the local stack runs a
   * Zipkin server as trace viewer and `npm start` points the processes at it; 'none' traces nothing.
   */
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'zipkin', 'console', 'none']).default('none'),
  OTEL_EXPORTER_ZIPKIN_ENDPOINT: z.string().url().optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_TRACES_SAMPLER: z
    .enum([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ])
    .optional(),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  /** Port of the local trace viewer (Zipkin) that `npm run stack:up` starts. */
  ZIPKIN_PORT: port.default(9411),
  /** Where operators open traces (the local Zipkin UI, or production's viewer); `ops trace` links into it. */
  TRACE_VIEWER_URL: z.string().url().default('http://127.0.0.1:9411/zipkin'),

  KAFKA_BROKERS: z
    .string()
    .min(1)
    .default('127.0.0.1:9092')
    .transform((s) =>
      s
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    ),
  KAFKA_CONTROLLER_PORT: port.default(9093),
  KAFKA_CLIENT_ID: z.string().min(1).default('dashboard-platform'),
  /** Heap of the local Kafka broker; the brief caps each JVM at 1 GB. */
  KAFKA_HEAP: z
    .string()
    .regex(/^\d+[mMgG]$/)
    .default('512m'),

  CASSANDRA_CONTACT_POINTS: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .transform((s) =>
      s
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean),
    ),
  CASSANDRA_PORT: port.default(9042),
  CASSANDRA_LOCAL_DC: z.string().min(1).default('datacenter1'),
  CASSANDRA_KEYSPACE: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,47}$/)
    .default('dashboard'),
  CASSANDRA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(9).default(1),
  CASSANDRA_HEAP: z
    .string()
    .regex(/^\d+[mMgG]$/)
    .default('1g'),
  /** Internode port of the local single node, so two stacks never collide. */
  CASSANDRA_STORAGE_PORT: port.default(7000),

  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),

  /**
   * The analytics store (PostgreSQL): raw events and daily summaries for product insights. The local
   * stack runs its own server on this URL's port.
   */
  ANALYTICS_DATABASE_URL: z.string().url().default('postgres://dashboard@127.0.0.1:5442/analytics'),
  /** Schema of the analytics tables (tests use one of their own). */
  ANALYTICS_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default('public'),
  /** Days raw events are kept once their day is rolled up; the summaries are kept for good. */
  ANALYTICS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(35),
  /** The analytics consumer's group, and the port of its /metrics and /healthz. */
  ANALYTICS_GROUP_ID: z.string().min(1).default('dashboard-analytics'),
  ANALYTICS_PORT: port.default(8093),

  /** Address the platform's HTTP processes listen on: loopback locally, 0.0.0.0 in containers. */
  BIND_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(8080),
  /** HS256 secret of local development tokens (`npm run token`); refused in production. */
  JWT_SECRET: z.string().min(32).default(DEVELOPMENT_JWT_SECRET),
  /**
   * The identity provider's public keys (JWKS): tokens are then RS256/ES256 from it, with issuer and audience
   * checked.
   */
  AUTH_JWKS_URL: z.string().url().optional(),
  AUTH_ISSUER: z.string().min(1).optional(),
  AUTH_AUDIENCE: z.string().min(1).optional(),
  /**
   * Where the caller's roles are in the token (a dot path, e.g. realm_access.roles), and the role that makes an
   * operator.
   */
  AUTH_ADMIN_CLAIM: z
    .string()
    .regex(/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/)
    .default('roles'),
  AUTH_ADMIN_ROLE: z.string().min(1).default('admin'),
  /**
   * How much longer than its 10 s a process keeps using a user's key it holds while Cassandra cannot be read, so
   * workflow tasks go on through a Cassandra outage instead of failing. An erasure waits this plus 10 s before its
   * receipt: no process can then still open the user's data.
   */
  USER_KEY_STALE_IF_ERROR_MS: z.coerce.number().int().min(0).default(110_000),
  /** Past this age a cached dashboard is served at once and refreshed in the background. */
  DASHBOARD_SOFT_TTL_SECONDS: z.coerce.number().int().min(1).default(300),
  /** Deadline of the synchronous rebuild on a cache miss; past it the API answers 503. */
  REBUILD_DEADLINE_MS: durationMs.default(5_000),
  /** Requests per user per minute before 429. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Largest request body the API reads. */
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024),
  /** Seconds between SSE heartbeats. */
  SSE_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).default(15),
  // A live stream ends after this long and the app reconnects (Last-Event-ID): what a vanished peer holds at most.
  SSE_MAX_AGE_SECONDS: z.coerce.number().int().min(1).default(900),
  /**
   * Live streams one API process holds at most; past it a new one is refused with 503 and Retry-After, and the
   * app reconnects, through the load balancer, to a process with room. A stream holds about 10 KiB of heap
   * (bench/README.md, round 11), so the bound keeps the process within its heap limit (API_HEAP_MB).
   */
  SSE_MAX_STREAMS: z.coerce.number().int().min(1).default(12_000),
  /**
   * Whether the API publishes a DashboardViewed per served dashboard (for insights); off leaves the read path
   * exactly as it was, which is what the benchmark compares against.
   */
  VIEW_EVENTS_ENABLED: z.stringbool().default(true),
  /**
   * View events the API holds in memory while Kafka is slow or away; past this they are dropped and counted, so a
   * read never waits for analytics.
   */
  VIEW_EVENTS_BUFFER: z.coerce.number().int().min(100).max(1_000_000).default(10_000),

  /** The bridge's Kafka consumer group and the port of its /metrics and /healthz. */
  BRIDGE_GROUP_ID: z.string().min(1).default('dashboard-bridge'),
  BRIDGE_PORT: port.default(8090),
  /**
   * The worker's /metrics and /healthz, and where the Temporal SDK's own Prometheus exporter listens (loopback only:
   * /metrics serves both).
   */
  WORKER_PORT: port.default(8091),
  WORKER_SDK_METRICS_PORT: port.default(8092),

  ACCOUNTS_URL: z.string().url().default('http://127.0.0.1:8101'),
  PARTNERS_URL: z.string().url().default('http://127.0.0.1:8102'),
  TRANSACTIONS_URL: z.string().url().default('http://127.0.0.1:8103'),
  OFFERS_URL: z.string().url().default('http://127.0.0.1:8104'),
  DOMAIN_CALL_TIMEOUT_MS: durationMs.default(2000),

  /** Reference domain services: how many users they seed (deterministically) and where they journal writes. */
  DOMAIN_SEED_USERS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  DOMAIN_DATA_DIR: z.string().min(1).default('.stack/domain-services'),
});

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: readonly string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
  }
}

/** The names this module reads; docker-compose.yml must set only these. */
export const configVariableNames: readonly string[] = Object.keys(envSchema.shape);

/**
 * How tokens are checked must be decided safely before a process starts: a key set without issuer and
 * audience would accept any token that provider signs for anyone, and production takes only the
 * identity provider's tokens, never HS256 ones a shared secret can forge.
 */
function authSettingIssues(config: Config, secretSet: boolean): string[] {
  const issues: string[] = [];
  if (config.AUTH_JWKS_URL !== undefined) {
    for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE'] as const) {
      if (config[name] === undefined)
        issues.push(`${name}: required with AUTH_JWKS_URL (tokens are checked for the issuer and the audience)`);
    }
  }
  if (config.NODE_ENV === 'production') {
    if (config.AUTH_JWKS_URL === undefined)
      issues.push(
        'AUTH_JWKS_URL: required in production (with AUTH_ISSUER and AUTH_AUDIENCE): tokens come from the identity provider',
      );
    if (secretSet)
      issues.push('JWT_SECRET: not accepted in production; HS256 development tokens are for local use only');
  }
  return issues;
}

/** Parses the environment; a bad value fails with a message naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset", as they do in most deployment tools.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (issue) =>
          `${issue.path.join('.') || '(root)'}: ${issue.message} (got ${JSON.stringify(cleaned[String(issue.path[0])])})`,
      ),
    );
  }
  const authIssues = authSettingIssues(parsed.data, cleaned['JWT_SECRET'] !== undefined);
  if (authIssues.length > 0) throw new ConfigError(authIssues);
  return parsed.data;
}

export interface TaskQueues {
  /** Event-driven batches and operators' bulk runs. */
  readonly batch: string;
  /** Cache misses, preference changes and per-user retries: never queued behind a storm or a bulk run. */
  readonly interactive: string;
}

/** The worker's two task queues, both named from TEMPORAL_TASK_QUEUE so one setting isolates a deployment. */
export function taskQueues(config: Pick<Config, 'TEMPORAL_TASK_QUEUE'>): TaskQueues {
  return { batch: config.TEMPORAL_TASK_QUEUE, interactive: `${config.TEMPORAL_TASK_QUEUE}-interactive` };
}

/** The analytics process's own task queue: its rollups never wait behind dashboard work, nor it behind them. */
export function analyticsTaskQueue(config: Pick<Config, 'TEMPORAL_TASK_QUEUE'>): string {
  return `${config.TEMPORAL_TASK_QUEUE}-analytics`;
}

/** Host and port of a `host:port` address. */
export function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

/** Where the API serves the Temporal UI's codec endpoint (the UI appends /decode). */
export const TEMPORAL_CODEC_PATH = '/v1/admin/temporal-codec';

/** The codec endpoint the Temporal UI of this stack is pointed at. */
export const temporalUiCodecEndpoint = (config: Config) =>
  config.TEMPORAL_UI_CODEC_ENDPOINT ?? `http://${config.STACK_HOST}:${config.API_PORT}${TEMPORAL_CODEC_PATH}`;
