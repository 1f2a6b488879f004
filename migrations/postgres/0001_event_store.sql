-- The event store, in the shape postgres-es 0.5.0 reads and writes, plus three columns that
-- postgres-es never names (so its statements keep working):
--   global_position  a number per event, assigned at insert;
--   tx_id            the writing transaction's id, so that the projector can read events in
--                    an order where no transaction that is still open is ever skipped;
--   recorded_at      when the event was written, for auditors.
-- Snapshots are not used (every aggregate is bounded and loads in event-store mode), so the
-- snapshots table of postgres-es is not created.
CREATE TABLE events
(
    aggregate_type  text                         NOT NULL,
    aggregate_id    text                         NOT NULL,
    sequence        bigint CHECK (sequence >= 0) NOT NULL,
    event_type      text                         NOT NULL,
    event_version   text                         NOT NULL,
    payload         json                         NOT NULL,
    metadata        json                         NOT NULL,
    global_position bigint GENERATED ALWAYS AS IDENTITY,
    tx_id           xid8                         NOT NULL DEFAULT pg_current_xact_id(),
    recorded_at     timestamptz                  NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
);

CREATE UNIQUE INDEX events_global_position ON events (global_position);
CREATE INDEX events_commit_order ON events (tx_id, global_position);
