-- A record is unique within its chunk, not within its kind: amoCRM's won and lost statuses
-- (142, 143) carry the same id in every pipeline, so the stages of two pipelines share amoCRM
-- ids. The failure list and the id map are therefore keyed by chunk as well. Both are views:
-- they are recreated empty here and rebuilt from the events by the projector.
DROP TABLE view_failures;
DROP TABLE view_id_map;

CREATE TABLE view_failures
(
    migration_id text NOT NULL,
    kind         text NOT NULL,
    chunk_index  bigint NOT NULL,
    amo_id       bigint NOT NULL,
    code         text NOT NULL,
    message      text NOT NULL,
    failed_at    text NOT NULL,
    ordinal      bigint NOT NULL,
    PRIMARY KEY (migration_id, kind, chunk_index, amo_id)
);

CREATE INDEX view_failures_order ON view_failures (migration_id, ordinal);

CREATE TABLE view_id_map
(
    migration_id text NOT NULL,
    kind         text NOT NULL,
    chunk_index  bigint NOT NULL,
    amo_id       bigint NOT NULL,
    b24_id       text NOT NULL,
    ordinal      bigint NOT NULL,
    rolled_back  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (migration_id, kind, chunk_index, amo_id)
);

CREATE INDEX view_id_map_order ON view_id_map (migration_id, ordinal);

UPDATE projection_checkpoints SET tx_id = 0, position = 0, applied = 0
WHERE view_name IN ('failures', 'id_map');
