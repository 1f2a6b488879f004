-- The secrets of each run (the amoCRM token, the Bitrix24 webhook URL, later OAuth tokens),
-- kept so that `migrator resume` and `migrator rollback` can go on with only the run's id.
-- Values are encrypted by the application with ChaCha20-Poly1305 (see
-- docs/decisions/0004-secrets.md); the database never sees a secret in clear.
--   key_check   8 bytes derived from the key the value was written with, so that a wrong key
--               is told apart from a damaged or copied row; it reveals nothing about the key;
--   nonce       the 12 random bytes used for this value only;
--   ciphertext  the encrypted value followed by its 16-byte authentication tag, which also
--               covers the run id and the name: a value copied to another row fails;
--   created_at  when the value now stored was written (a new value replaces the row).
-- Unlike the views, these rows are not derived from events and cannot be rebuilt.
CREATE TABLE run_secrets
(
    migration_id text NOT NULL,
    name         text NOT NULL,
    key_check    blob NOT NULL,
    nonce        blob NOT NULL,
    ciphertext   blob NOT NULL,
    created_at   text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (migration_id, name)
) STRICT;
