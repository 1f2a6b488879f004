-- The event store, in the shape sqlite-es 0.5.0 reads and writes, plus two columns that
-- sqlite-es never names (so its statements keep working):
--   global_position  the row's rowid, copied into a column by a trigger so that it survives a
--                    VACUUM; SQLite admits one writer at a time, so this follows commit order;
--   recorded_at      when the event was written, for auditors.
-- The composite primary key stays the primary key: sqlite-es recognises a concurrent write
-- only by the primary-key violation code. Snapshots are not used, so that table is not created.
CREATE TABLE events
(
    aggregate_type  text                          NOT NULL,
    aggregate_id    text                          NOT NULL,
    sequence        integer CHECK (sequence >= 0) NOT NULL,
    event_type      text                          NOT NULL,
    event_version   text                          NOT NULL,
    payload         text                          NOT NULL,
    metadata        text                          NOT NULL,
    global_position integer,
    recorded_at     text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
) STRICT;

CREATE TRIGGER events_global_position AFTER INSERT ON events
BEGIN
    UPDATE events SET global_position = NEW.rowid WHERE rowid = NEW.rowid;
END;

CREATE UNIQUE INDEX events_global_position ON events (global_position);
