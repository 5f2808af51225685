namespace Charger.Cloud.Store.Postgres;

/// <summary>
/// The schema, as numbered migrations recorded in <c>schema_version</c>, numbered like the SQLite store's so one version
/// means the same tables on both. Times are <c>timestamptz</c> written at millisecond precision (what the SQLite store
/// keeps), event ids <c>uuid</c>, flags <c>boolean</c>. An event's <c>data</c> is <c>text</c>, not <c>jsonb</c>: it is
/// kept byte for byte as the charger sent it (jsonb would reorder keys and drop whitespace). Identifiers compare with
/// <c>COLLATE "C"</c> (byte order), so listings and the service-record cursor order as on SQLite whatever the
/// database's locale.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>Key of the transaction-scoped advisory lock that serialises migrations of receivers starting together.</summary>
    public const long MigrationLockKey = 0x43_48_47_5F_4D_49_47; // "CHG_MIG"

    public const string CreateVersionTable =
        "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL);";

    /// <summary>Migration n (1-based) is <c>Migrations[n - 1]</c>. Never edit a released one; append.</summary>
    public static readonly string[] Migrations =
    [
        """
        CREATE TABLE events (
            charger_id  text COLLATE "C" NOT NULL,
            seq         bigint           NOT NULL,
            event_id    uuid             NOT NULL,
            type        text COLLATE "C" NOT NULL,
            ts          timestamptz      NOT NULL,
            received_at timestamptz      NOT NULL,
            data        text             NOT NULL,
            PRIMARY KEY (charger_id, seq),
            UNIQUE (event_id)
        );
        CREATE INDEX ix_events_charger_ts ON events (charger_id, ts);

        CREATE TABLE chargers (
            charger_id       text COLLATE "C" NOT NULL PRIMARY KEY,
            first_seen       timestamptz NOT NULL,
            state            text        NULL,
            online           boolean     NOT NULL DEFAULT false,
            status_at        timestamptz NULL,
            last_seen        timestamptz NULL,
            agent_version    text        NULL,
            firmware_version text        NULL,
            model            text        NULL,
            serial           text        NULL,
            boot_reason      text        NULL,
            last_boot_at     timestamptz NULL,
            applied_seq      bigint      NOT NULL DEFAULT 0,
            last_event_at    timestamptz NULL
        );

        CREATE TABLE active_faults (
            charger_id      text COLLATE "C" NOT NULL,
            code            text COLLATE "C" NOT NULL,
            component       text             NOT NULL,
            severity        text             NOT NULL,
            value           double precision NULL,
            unit            text             NULL,
            raised_at       timestamptz      NOT NULL,
            raised_event_id uuid             NOT NULL,
            raised_seq      bigint           NOT NULL,
            cause           uuid             NULL,
            message         text             NULL,
            blocks_charging boolean          NOT NULL,
            latching        boolean          NOT NULL,
            PRIMARY KEY (charger_id, code)
        );

        CREATE TABLE seq_gaps (
            charger_id  text COLLATE "C" NOT NULL,
            from_seq    bigint           NOT NULL,
            to_seq      bigint           NOT NULL,
            detected_at timestamptz      NOT NULL,
            closed_at   timestamptz      NULL,
            PRIMARY KEY (charger_id, from_seq)
        );

        CREATE TABLE dead_letters (
            id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            topic         text        NOT NULL,
            charger_id    text        NULL,
            reason        text        NOT NULL,
            detail        text        NOT NULL,
            payload       text        NOT NULL,
            payload_bytes integer     NOT NULL,
            received_at   timestamptz NOT NULL
        );

        CREATE TABLE charger_credentials (
            charger_id text COLLATE "C" NOT NULL PRIMARY KEY,
            salt       bytea       NOT NULL,
            hash       bytea       NOT NULL,
            iterations integer     NOT NULL,
            created_at timestamptz NOT NULL,
            revoked_at timestamptz NULL
        );
        """,
        // 2: a gap the charger declared lost (its journal was corrupt) is closed without its events.
        """
        ALTER TABLE seq_gaps ADD COLUMN lost boolean NOT NULL DEFAULT false;
        """,
        // 3: the fleet's maintenance log: service records by charger, kind, engineer, work order and time.
        """
        CREATE TABLE service_records (
            charger_id         text COLLATE "C" NOT NULL,
            seq                bigint           NOT NULL,
            event_id           uuid             NOT NULL,
            ts                 timestamptz      NOT NULL,
            kind               text COLLATE "C" NOT NULL,
            engineer_id        text COLLATE "C" NOT NULL,
            work_order_ref     text COLLATE "C" NULL,
            customer_confirmed boolean          NOT NULL,
            data               text             NOT NULL,
            PRIMARY KEY (charger_id, seq)
        );
        CREATE INDEX ix_service_records_ts ON service_records (ts, charger_id, seq);
        CREATE INDEX ix_service_records_engineer ON service_records (engineer_id, ts);
        CREATE INDEX ix_service_records_work_order ON service_records (work_order_ref);
        INSERT INTO service_records (charger_id, seq, event_id, ts, kind, engineer_id, work_order_ref, customer_confirmed, data)
        SELECT e.charger_id, e.seq, e.event_id, e.ts, e.data::jsonb ->> 'kind', e.data::jsonb ->> 'engineerId',
               e.data::jsonb ->> 'workOrderRef', COALESCE(e.data::jsonb -> 'customerConfirmed' = 'true'::jsonb, false), e.data
          FROM events e JOIN chargers c ON c.charger_id = e.charger_id
         WHERE e.type = 'service.record' AND e.seq <= c.applied_seq
           AND e.data::jsonb ->> 'kind' IS NOT NULL AND e.data::jsonb ->> 'engineerId' IS NOT NULL;
        """,
        // 4: the Event Hubs ingress: partition ownership (optimistic, by version) and checkpoints, per namespace, event hub
        // and consumer group, so receivers sharing this database split the partitions and resume where the last one stopped.
        """
        CREATE TABLE eventhubs_ownership (
            namespace      text COLLATE "C" NOT NULL,
            event_hub      text COLLATE "C" NOT NULL,
            consumer_group text COLLATE "C" NOT NULL,
            partition_id   text COLLATE "C" NOT NULL,
            owner_id       text COLLATE "C" NOT NULL,
            last_modified  timestamptz NOT NULL,
            version        text COLLATE "C" NOT NULL,
            PRIMARY KEY (namespace, event_hub, consumer_group, partition_id)
        );

        CREATE TABLE eventhubs_checkpoints (
            namespace       text COLLATE "C" NOT NULL,
            event_hub       text COLLATE "C" NOT NULL,
            consumer_group  text COLLATE "C" NOT NULL,
            partition_id    text COLLATE "C" NOT NULL,
            event_offset    text COLLATE "C" NOT NULL,
            sequence_number bigint NULL,
            client_id       text COLLATE "C" NULL,
            last_modified   timestamptz NOT NULL,
            PRIMARY KEY (namespace, event_hub, consumer_group, partition_id)
        );
        """,
        // 5: the applied-event feed. Every event gets its feed position (apply_tx, apply_idx) in the transaction that
        // applies it: apply_tx is that transaction's id (pg_current_xact_id), apply_idx counts inside it. Readers take only
        // transactions below the oldest one still running (pg_snapshot_xmin), so positions become visible in order without
        // a global lock. Events applied before this migration get (0, n) in (charger, seq) order. Areas keep their position
        // in subscription_positions, written in the same transaction as what they derive from the events.
        """
        ALTER TABLE events ADD COLUMN apply_tx bigint NULL, ADD COLUMN apply_idx bigint NULL;
        UPDATE events SET apply_tx = 0, apply_idx = r.n
          FROM (SELECT e.charger_id AS c, e.seq AS s, row_number() OVER (ORDER BY e.charger_id, e.seq) AS n
                  FROM events e JOIN chargers ch ON ch.charger_id = e.charger_id
                 WHERE e.seq <= ch.applied_seq) AS r
         WHERE events.charger_id = r.c AND events.seq = r.s;
        CREATE INDEX ix_events_applied ON events (apply_tx, apply_idx) WHERE apply_tx IS NOT NULL;

        CREATE TABLE subscription_positions (
            name       text COLLATE "C" NOT NULL PRIMARY KEY,
            apply_tx   bigint NOT NULL,
            apply_idx  bigint NOT NULL,
            updated_at bigint NOT NULL
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
