-- Rebuilds that gave up (DashboardRebuildFailed), per day and trigger, beside those announced.
ALTER TABLE rebuild_daily ADD COLUMN failures bigint NOT NULL DEFAULT 0;
