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
        // 3: the fleet's maintenance log: service records by charger, kind, engineer, work order and time.
        """
        CREATE TABLE service_records (
            charger_id         TEXT    NOT NULL,
            seq                INTEGER NOT NULL,
            event_id           TEXT    NOT NULL,
            ts                 INTEGER NOT NULL,
            kind               TEXT    NOT NULL,
            engineer_id        TEXT    NOT NULL,
            work_order_ref     TEXT    NULL,
            customer_confirmed INTEGER NOT NULL,
            data               TEXT    NOT NULL,
            PRIMARY KEY (charger_id, seq)
        );
        CREATE INDEX ix_service_records_ts ON service_records (ts, charger_id, seq);
        CREATE INDEX ix_service_records_engineer ON service_records (engineer_id, ts);
        CREATE INDEX ix_service_records_work_order ON service_records (work_order_ref);
        INSERT INTO service_records (charger_id, seq, event_id, ts, kind, engineer_id, work_order_ref, customer_confirmed, data)
        SELECT e.charger_id, e.seq, e.event_id, e.ts, json_extract(e.data, '$.kind'), json_extract(e.data, '$.engineerId'),
               json_extract(e.data, '$.workOrderRef'), COALESCE(json_extract(e.data, '$.customerConfirmed'), 0), e.data
          FROM events e JOIN chargers c ON c.charger_id = e.charger_id
         WHERE e.type = 'service.record' AND e.seq <= c.applied_seq
           AND json_extract(e.data, '$.kind') IS NOT NULL AND json_extract(e.data, '$.engineerId') IS NOT NULL;
        """,
        // 4: the Event Hubs ingress: partition ownership (optimistic, by version) and checkpoints, per namespace, event hub
        // and consumer group, so receivers sharing this database split the partitions and resume where the last one stopped.
        """
        CREATE TABLE eventhubs_ownership (
            namespace      TEXT    NOT NULL,
            event_hub      TEXT    NOT NULL,
            consumer_group TEXT    NOT NULL,
            partition_id   TEXT    NOT NULL,
            owner_id       TEXT    NOT NULL,
            last_modified  INTEGER NOT NULL,
            version        TEXT    NOT NULL,
            PRIMARY KEY (namespace, event_hub, consumer_group, partition_id)
        );

        CREATE TABLE eventhubs_checkpoints (
            namespace       TEXT    NOT NULL,
            event_hub       TEXT    NOT NULL,
            consumer_group  TEXT    NOT NULL,
            partition_id    TEXT    NOT NULL,
            event_offset    TEXT    NOT NULL,
            sequence_number INTEGER NULL,
            client_id       TEXT    NULL,
            last_modified   INTEGER NOT NULL,
            PRIMARY KEY (namespace, event_hub, consumer_group, partition_id)
        );
        """,
        // 5: the applied-event feed. Every event gets its feed position (apply_tx, apply_idx) in the transaction that
        // applies it: apply_tx numbers the applying transactions (one writer at a time), apply_idx counts inside one. Events
        // applied before this migration get (0, n) in (charger, seq) order. Areas keep their position in
        // subscription_positions, written in the same transaction as what they derive from the events.
        """
        ALTER TABLE events ADD COLUMN apply_tx INTEGER NULL;
        ALTER TABLE events ADD COLUMN apply_idx INTEGER NULL;
        UPDATE events SET apply_tx = 0, apply_idx = r.n
          FROM (SELECT e.charger_id AS c, e.seq AS s, ROW_NUMBER() OVER (ORDER BY e.charger_id, e.seq) AS n
                  FROM events e JOIN chargers ch ON ch.charger_id = e.charger_id
                 WHERE e.seq <= ch.applied_seq) AS r
         WHERE events.charger_id = r.c AND events.seq = r.s;
        CREATE INDEX ix_events_applied ON events (apply_tx, apply_idx) WHERE apply_tx IS NOT NULL;

        CREATE TABLE subscription_positions (
            name       TEXT    NOT NULL PRIMARY KEY,
            apply_tx   INTEGER NOT NULL,
            apply_idx  INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        """,
        // 6: one model of faults. The fleet's view of active faults is the alarms the "service" subscription derives
        // (Charger.Cloud.FieldService), no longer a table of the ingest transaction that could disagree with them.
        """
        DROP TABLE active_faults;
        """,
        // 7: one model of service records. The fleet's maintenance log is the service area's (table maintenance_log, with
        // each record's work-order link), no longer a copy kept by the ingest transaction.
        """
        DROP TABLE service_records;
        """,
    ];

    public static int LatestVersion => Migrations.Length;
}
