-- The read models the durable projector maintains. Every table here is derived from the events
-- alone and can be emptied and rebuilt at any time (`migrator rebuild-projections`).

-- One row per view: how far into the event log the view has come. It is updated in the same
-- transaction as the view's rows, so a view never applies an event twice or skips one.
-- On PostgreSQL the log is read in (transaction id, global position) order; on SQLite the
-- transaction id is always 0. `applied` counts events applied and numbers the history.
CREATE TABLE projection_checkpoints
(
    view_name text PRIMARY KEY,
    tx_id     bigint NOT NULL DEFAULT 0,
    position  bigint NOT NULL DEFAULT 0,
    applied   bigint NOT NULL DEFAULT 0
);

INSERT INTO projection_checkpoints (view_name)
VALUES ('migrations'), ('progress'), ('failures'), ('id_map'), ('history');

-- Every run: where it stands, for lists and summaries.
CREATE TABLE view_migrations
(
    migration_id text PRIMARY KEY,
    portal       text NOT NULL,
    account      text NOT NULL,
    status       text NOT NULL,
    settings     text NOT NULL,
    interruption text,
    lease_epoch  bigint NOT NULL DEFAULT 0,
    configured_at text NOT NULL,
    updated_at   text NOT NULL
);

-- Progress per run and kind of record. Rows whose kind is an entity name carry the counts.
CREATE TABLE view_progress
(
    migration_id   text NOT NULL,
    kind           text NOT NULL,
    counted        bigint NOT NULL DEFAULT 0,
    in_period      bigint NOT NULL DEFAULT 0,
    transferred    bigint NOT NULL DEFAULT 0,
    failed         bigint NOT NULL DEFAULT 0,
    outside_period bigint NOT NULL DEFAULT 0,
    rolled_back    bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (migration_id, kind)
);

-- Every record that could not be moved, with its reason.
CREATE TABLE view_failures
(
    migration_id text NOT NULL,
    kind         text NOT NULL,
    amo_id       bigint NOT NULL,
    code         text NOT NULL,
    message      text NOT NULL,
    failed_at    text NOT NULL,
    ordinal      bigint NOT NULL,
    PRIMARY KEY (migration_id, kind, amo_id)
);

CREATE INDEX view_failures_order ON view_failures (migration_id, ordinal);

-- amoCRM id -> Bitrix24 id of everything a run created, in creation order (`ordinal`), so
-- a rollback can walk it newest first. `rolled_back` is 1 once deleted.
CREATE TABLE view_id_map
(
    migration_id text NOT NULL,
    kind         text NOT NULL,
    amo_id       bigint NOT NULL,
    b24_id       text NOT NULL,
    ordinal      bigint NOT NULL,
    rolled_back  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (migration_id, kind, amo_id)
);

CREATE INDEX view_id_map_order ON view_id_map (migration_id, ordinal);

-- Every event of every run in the projector's global order, for auditors.
CREATE TABLE view_history
(
    migration_id   text NOT NULL,
    ordinal        bigint NOT NULL,
    aggregate_type text NOT NULL,
    aggregate_id   text NOT NULL,
    sequence       bigint NOT NULL,
    event_type     text NOT NULL,
    event_version  text NOT NULL,
    payload        text NOT NULL,
    recorded_at    text NOT NULL,
    PRIMARY KEY (migration_id, ordinal)
);
