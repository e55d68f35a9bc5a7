-- The analytics store: raw events as consumed from Kafka (one row per event id, so a redelivered
-- event is stored once), and daily summaries that the rollups recompute from them.

CREATE TABLE raw_events (
  event_id text PRIMARY KEY,
  type text NOT NULL,
  user_id text NOT NULL,
  occurred_at timestamptz NOT NULL,
  -- The UTC day of occurred_at: what rollups and retention select by.
  day date NOT NULL,
  data jsonb NOT NULL,
  stored_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX raw_events_day_type ON raw_events (day, type);

-- Which days were rolled up, and whether after the day had ended (only then may its raw events expire).
CREATE TABLE rollups (
  day date PRIMARY KEY,
  raw_events bigint NOT NULL,
  complete boolean NOT NULL,
  rolled_up_at timestamptz NOT NULL
);

-- Dashboard opens per platform and app version; '*' in either holds all of them together.
CREATE TABLE usage_daily (
  day date NOT NULL,
  platform text NOT NULL,
  app_version text NOT NULL,
  opens bigint NOT NULL,
  distinct_users bigint NOT NULL,
  PRIMARY KEY (day, platform, app_version)
);

-- Per day, platform ('*' = all) and where the dashboard came from, with server-time percentiles.
CREATE TABLE usage_source_daily (
  day date NOT NULL,
  platform text NOT NULL,
  source text NOT NULL,
  opens bigint NOT NULL,
  etag_hits bigint NOT NULL,
  p50_ms double precision NOT NULL,
  p95_ms double precision NOT NULL,
  p99_ms double precision NOT NULL,
  PRIMARY KEY (day, platform, source)
);

-- Preference changes by what they set (kind: sort, custom_order, layout, hidden, pinned), by the
-- platform and app version the user last opened the dashboard with that day ('unknown' if none).
CREATE TABLE personalisation_daily (
  day date NOT NULL,
  platform text NOT NULL,
  app_version text NOT NULL,
  section text NOT NULL,
  kind text NOT NULL,
  value text NOT NULL,
  changes bigint NOT NULL,
  PRIMARY KEY (day, platform, app_version, section, kind, value)
);

-- Offers shown on served dashboards (distinct users) and bought, per platform.
CREATE TABLE offer_daily (
  day date NOT NULL,
  platform text NOT NULL,
  offer_id text NOT NULL,
  shown_users bigint NOT NULL,
  purchases bigint NOT NULL,
  PRIMARY KEY (day, platform, offer_id)
);

-- Rebuilds announced per trigger, with the lag from the triggering write.
CREATE TABLE rebuild_daily (
  day date NOT NULL,
  trigger text NOT NULL,
  rebuilds bigint NOT NULL,
  lag_p50_ms double precision,
  lag_p95_ms double precision,
  PRIMARY KEY (day, trigger)
);
