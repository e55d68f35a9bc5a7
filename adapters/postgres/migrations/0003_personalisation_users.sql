-- Personalisation counts users (once per day, by the preferences they ended the day with), not changes.
-- Days rolled up before this counted every change; re-running them (ops analytics-backfill) counts users.
ALTER TABLE personalisation_daily RENAME COLUMN changes TO users;
