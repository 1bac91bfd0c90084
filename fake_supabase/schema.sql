-- The provisioning flow's tables, served by fake_supabase through /rest/v1 (PostgREST).
--
-- SQLite dialect. The auth tables (auth_users, ...) are created by the fake itself and are
-- not exposed through /rest/v1; tables here may reference auth_users(id) as Supabase tables
-- reference auth.users(id). Load another file with --schema FILE.

CREATE TABLE IF NOT EXISTS profiles (
    id            TEXT PRIMARY KEY REFERENCES auth_users(id) ON DELETE CASCADE,
    email         TEXT,
    full_name     TEXT,
    phone_number  TEXT,
    -- The Twilio SID of phone_number: a release clears only the number it releases (the same
    -- number can be bought again; a SID never repeats). Existing deployments:
    --   ALTER TABLE profiles ADD COLUMN twilio_sid TEXT;
    twilio_sid    TEXT,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- One row per number a user holds or held. At most one active number per user
-- (phone_numbers_one_active), a number belongs to one row, a Twilio SID to one row.
CREATE TABLE IF NOT EXISTS phone_numbers (
    id                TEXT PRIMARY KEY DEFAULT (lower(hex(randomblob(4)) || '-' ||
                          hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
                          substr('89ab', 1 + (abs(random()) % 4), 1) ||
                          substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))),
    user_id           TEXT NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
    phone_number      TEXT NOT NULL UNIQUE,
    twilio_sid        TEXT NOT NULL UNIQUE,
    country_code      TEXT NOT NULL,
    number_type       TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'released')),
    livekit_trunk_id  TEXT,
    dispatch_rule_id  TEXT,
    job_id            TEXT,
    created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX IF NOT EXISTS phone_numbers_one_active
    ON phone_numbers (user_id) WHERE status = 'active';

-- The provisioner's job, one row per user: each step's outcome is written here before the
-- next step starts. owner + lease_expires_at let exactly one run hold the job at a time;
-- fence, the fencing token, goes up by one at every claim, and every write of a run that
-- depends on holding the job is filtered on owner and fence (provisioner/job.h), so a run
-- that lost its lease (paused, partitioned) can no longer change the row. 'releasing' marks
-- a release in progress, which a re-run of `release` finishes.
-- An existing deployment adds what is new with:
--   ALTER TABLE provisioning_jobs ADD COLUMN fence INTEGER NOT NULL DEFAULT 0;
-- and, on PostgreSQL, replaces the status check to allow 'releasing'.
CREATE TABLE IF NOT EXISTS provisioning_jobs (
    id                TEXT PRIMARY KEY,
    user_id           TEXT NOT NULL UNIQUE REFERENCES auth_users(id) ON DELETE CASCADE,
    status            TEXT NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'running', 'completed', 'failed',
                                            'releasing')),
    step              TEXT NOT NULL DEFAULT 'created',
    owner             TEXT,
    lease_expires_at  TEXT,
    fence             INTEGER NOT NULL DEFAULT 0,
    country_code      TEXT NOT NULL DEFAULT 'US',
    number_type       TEXT NOT NULL DEFAULT 'local',
    area_code         TEXT,
    phone_number      TEXT,
    twilio_sid        TEXT,
    livekit_trunk_id  TEXT,
    dispatch_rule_id  TEXT,
    attempts          INTEGER NOT NULL DEFAULT 0,
    last_error        TEXT,
    created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
