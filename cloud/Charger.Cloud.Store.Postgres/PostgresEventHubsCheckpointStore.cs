using Charger.Cloud.Core;

namespace Charger.Cloud.Store.Postgres;

/// <summary>
/// <see cref="IEventHubsCheckpointStore"/> on a <see cref="PostgresDatabase"/> (tables <c>eventhubs_ownership</c> and
/// <c>eventhubs_checkpoints</c>, migration 4). A claim is a conditional insert (no row yet) or a conditional update (the
/// version read before), all claims of one call in one transaction; the store's clock stamps them (millisecond precision, as on SQLite). Under read committed a concurrent
/// claim of the same row waits for the first, then finds the version changed and fails.
/// </summary>
public sealed class PostgresEventHubsCheckpointStore(PostgresDatabase database, TimeProvider time) : IEventHubsCheckpointStore
{
    private const string Keys = "namespace = @ns AND event_hub = @hub AND consumer_group = @cg";

    /// <inheritdoc />
    public Task<IReadOnlyList<PartitionOwnership>> ListOwnershipAsync(EventHubsConsumer consumer, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<PartitionOwnership>>(async c =>
        {
            await using var cmd = PostgresDatabase.Command(c, null,
                $"SELECT partition_id, owner_id, last_modified, version FROM eventhubs_ownership WHERE {Keys} ORDER BY partition_id",
                ConsumerParameters(consumer));
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            var list = new List<PartitionOwnership>();
            while (await r.ReadAsync(cancellationToken))
            {
                list.Add(new PartitionOwnership(consumer, r.GetString(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), r.GetString(3)));
            }

            return list;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<PartitionOwnership>> ClaimOwnershipAsync(IReadOnlyList<PartitionOwnership> claims, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claims);
        return database.WriteAsync<IReadOnlyList<PartitionOwnership>>(async (c, tx) =>
        {
            var claimed = new List<PartitionOwnership>(claims.Count);
            foreach (var claim in claims)
            {
                var now = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
                var version = Guid.NewGuid().ToString("N");
                (string Name, object? Value)[] parameters =
                [
                    .. ConsumerParameters(claim.Consumer), ("@p", claim.PartitionId), ("@owner", claim.OwnerIdentifier),
                    ("@at", now), ("@version", version),
                ];
                var rows = claim.Version is null
                    ? await PostgresDatabase.ExecuteAsync(c, tx,
                        """
                        INSERT INTO eventhubs_ownership (namespace, event_hub, consumer_group, partition_id, owner_id, last_modified, version)
                        VALUES (@ns, @hub, @cg, @p, @owner, @at, @version)
                        ON CONFLICT (namespace, event_hub, consumer_group, partition_id) DO NOTHING
                        """, cancellationToken, parameters)
                    : await PostgresDatabase.ExecuteAsync(c, tx,
                        $"""
                        UPDATE eventhubs_ownership SET owner_id = @owner, last_modified = @at, version = @version
                         WHERE {Keys} AND partition_id = @p AND version = @expected
                        """, cancellationToken, [.. parameters, ("@expected", claim.Version)]);
                if (rows == 1)
                {
                    claimed.Add(claim with { LastModified = now, Version = version });
                }
            }

            return claimed;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<PartitionCheckpoint?> GetCheckpointAsync(EventHubsConsumer consumer, string partitionId, CancellationToken cancellationToken) =>
        database.ReadAsync(async c =>
        {
            await using var cmd = PostgresDatabase.Command(c, null,
                $"SELECT event_offset, sequence_number, client_id, last_modified FROM eventhubs_checkpoints WHERE {Keys} AND partition_id = @p",
                [.. ConsumerParameters(consumer), ("@p", partitionId)]);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            return await r.ReadAsync(cancellationToken)
                ? new PartitionCheckpoint(consumer, partitionId, r.GetString(0), r.IsDBNull(1) ? null : r.GetInt64(1), r.IsDBNull(2) ? null : r.GetString(2),
                    r.GetFieldValue<DateTimeOffset>(3))
                : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task UpdateCheckpointAsync(PartitionCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentException.ThrowIfNullOrEmpty(checkpoint.Offset);
        return database.WriteAsync((c, tx) => PostgresDatabase.ExecuteAsync(c, tx,
            """
            INSERT INTO eventhubs_checkpoints (namespace, event_hub, consumer_group, partition_id, event_offset, sequence_number, client_id, last_modified)
            VALUES (@ns, @hub, @cg, @p, @offset, @seq, @client, @at)
            ON CONFLICT (namespace, event_hub, consumer_group, partition_id) DO UPDATE SET
                event_offset = excluded.event_offset, sequence_number = excluded.sequence_number,
                client_id = excluded.client_id, last_modified = excluded.last_modified
            """, cancellationToken,
            [.. ConsumerParameters(checkpoint.Consumer), ("@p", checkpoint.PartitionId), ("@offset", checkpoint.Offset),
             ("@seq", checkpoint.SequenceNumber), ("@client", checkpoint.ClientIdentifier), ("@at", DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds()))]),
            cancellationToken);
    }

    private static (string Name, object? Value)[] ConsumerParameters(EventHubsConsumer consumer) =>
        [("@ns", consumer.FullyQualifiedNamespace), ("@hub", consumer.EventHubName), ("@cg", consumer.ConsumerGroup)];
}
