-- Erasure deletes a user's raw events (their views and the preference documents they chose); without
-- an index that is a scan of every retained day.
CREATE INDEX IF NOT EXISTS raw_events_user ON raw_events (user_id);
