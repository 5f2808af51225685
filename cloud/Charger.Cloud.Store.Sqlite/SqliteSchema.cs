namespace Charger.Cloud.Store.Sqlite;

/// <summary>
/// The schema, as numbered migrations recorded in <c>schema_version</c>. Times are Unix milliseconds (UTC), ids are
/// text, booleans 0/1. The DML of the adapter avoids SQLite-only syntax where a portable form exists.
/// </summary>
internal static class SqliteSchema
{
    public const string CreateVersionTable =
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL);";

    /// <summary>Migration n (1-based) is <c>Migrations[n - 1]</c>. Never edit a released one; append.</summary>
    public static readonly string[] Migrations =
    [
        """
        CREATE TABLE events (
            charger_id  TEXT    NOT NULL,
            seq         INTEGER NOT NULL,
            event_id    TEXT    NOT NULL,
            type        TEXT    NOT NULL,
            ts          INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            data        TEXT    NOT NULL,
            PRIMARY KEY (charger_id, seq),
            UNIQUE (event_id)
        );
        CREATE INDEX ix_events_charger_ts ON events (charger_id, ts);

        CREATE TABLE chargers (
            charger_id       TEXT    NOT NULL PRIMARY KEY,
            first_seen       INTEGER NOT NULL,
            state            TEXT    NULL,
            online           INTEGER NOT NULL DEFAULT 0,
            status_at        INTEGER NULL,
            last_seen        INTEGER NULL,
            agent_version    TEXT    NULL,
            firmware_version TEXT    NULL,
            model            TEXT    NULL,
            serial           TEXT    NULL,
            boot_reason      TEXT    NULL,
            last_boot_at     INTEGER NULL,
            applied_seq      INTEGER NOT NULL DEFAULT 0,
            last_event_at    INTEGER NULL
        );

        CREATE TABLE active_faults (
            charger_id      TEXT    NOT NULL,
            code            TEXT    NOT NULL,
            component       TEXT    NOT NULL,
            severity        TEXT    NOT NULL,
            value           REAL    NULL,
            unit            TEXT    NULL,
            raised_at       INTEGER NOT NULL,
            raised_event_id TEXT    NOT NULL,
            raised_seq      INTEGER NOT NULL,
            cause           TEXT    NULL,
            message         TEXT    NULL,
            blocks_charging INTEGER NOT NULL,
            latching        INTEGER NOT NULL,
            PRIMARY KEY (charger_id, code)
        );

        CREATE TABLE seq_gaps (
            charger_id  TEXT    NOT NULL,
            from_seq    INTEGER NOT NULL,
            to_seq      INTEGER NOT NULL,
            detected_at INTEGER NOT NULL,
            closed_at   INTEGER NULL,
            PRIMARY KEY (charger_id, from_seq)
        );

        CREATE TABLE dead_letters (
            id            INTEGER PRIMARY KEY,
            topic         TEXT    NOT NULL,
            charger_id    TEXT    NULL,
            reason        TEXT    NOT NULL,
            detail        TEXT    NOT NULL,
            payload       TEXT    NOT NULL,
            payload_bytes INTEGER NOT NULL,
            received_at   INTEGER NOT NULL
        );

        CREATE TABLE charger_credentials (
            charger_id TEXT    NOT NULL PRIMARY KEY,
            salt       BLOB    NOT NULL,
            hash       BLOB    NOT NULL,
            iterations INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER NULL
        );
        """,
        // 2: a gap the charger declared lost (its journal was corrupt) is closed without its events.
        """
        ALTER TABLE seq_gaps ADD COLUMN lost INTEGER NOT NULL DEFAULT 0;
        """,
    ];

    public static int LatestVersion => Migrations.Length;
}
