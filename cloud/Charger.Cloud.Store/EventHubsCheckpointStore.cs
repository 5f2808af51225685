using Charger.Cloud.Core;

namespace Charger.Cloud.Store;

/// <summary>
/// <see cref="IEventHubsCheckpointStore"/> on the cloud database (tables <c>eventhubs_ownership</c> and
/// <c>eventhubs_checkpoints</c>, migration 4). A claim is a conditional insert (no row yet) or a conditional update (the
/// version read before), all claims of one call in one transaction; the store's clock stamps them at millisecond
/// precision. On PostgreSQL (read committed) a concurrent claim of the same row waits for the first, then finds the
/// version changed and fails; SQLite has one writer at a time.
/// </summary>
public sealed class EventHubsCheckpointStore(StoreDatabase database, TimeProvider time) : IEventHubsCheckpointStore
{
    private const string Keys = "namespace = @ns AND event_hub = @hub AND consumer_group = @cg";

    /// <inheritdoc />
    public Task<IReadOnlyList<PartitionOwnership>> ListOwnershipAsync(EventHubsConsumer consumer, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<PartitionOwnership>>(async c => await Sql.QueryAsync(c, null,
            $"SELECT partition_id, owner_id, last_modified, version FROM eventhubs_ownership WHERE {Keys} ORDER BY partition_id",
            r => new PartitionOwnership(consumer, r.GetString(0), r.GetString(1), database.Dialect.ReadTime(r, 2), r.GetString(3)),
            cancellationToken, ConsumerParameters(consumer)), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<PartitionOwnership>> ClaimOwnershipAsync(IReadOnlyList<PartitionOwnership> claims, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claims);
        return database.WriteAsync<IReadOnlyList<PartitionOwnership>>(async (c, tx) =>
        {
            var claimed = new List<PartitionOwnership>(claims.Count);
            foreach (var claim in claims)
            {
                var now = SqlDialect.AsStored(time.GetUtcNow());
                var version = Guid.NewGuid().ToString("N");
                (string Name, object? Value)[] parameters =
                [
                    .. ConsumerParameters(claim.Consumer), ("@p", claim.PartitionId), ("@owner", claim.OwnerIdentifier),
                    ("@at", database.Dialect.Time(now)), ("@version", version),
                ];
                var rows = claim.Version is null
                    ? await Sql.ExecuteAsync(c, tx,
                        """
                        INSERT INTO eventhubs_ownership (namespace, event_hub, consumer_group, partition_id, owner_id, last_modified, version)
                        VALUES (@ns, @hub, @cg, @p, @owner, @at, @version)
                        ON CONFLICT (namespace, event_hub, consumer_group, partition_id) DO NOTHING
                        """, cancellationToken, parameters)
                    : await Sql.ExecuteAsync(c, tx,
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
    public async Task<PartitionCheckpoint?> GetCheckpointAsync(EventHubsConsumer consumer, string partitionId, CancellationToken cancellationToken)
    {
        var rows = await database.ReadAsync(c => Sql.QueryAsync(c, null,
            $"SELECT event_offset, sequence_number, client_id, last_modified FROM eventhubs_checkpoints WHERE {Keys} AND partition_id = @p",
            r => new PartitionCheckpoint(consumer, partitionId, r.GetString(0), r.IsDBNull(1) ? null : r.GetInt64(1), r.IsDBNull(2) ? null : r.GetString(2),
                database.Dialect.ReadTime(r, 3)),
            cancellationToken, [.. ConsumerParameters(consumer), ("@p", partitionId)]), cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public Task UpdateCheckpointAsync(PartitionCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentException.ThrowIfNullOrEmpty(checkpoint.Offset);
        return database.WriteAsync((c, tx) => Sql.ExecuteAsync(c, tx,
            """
            INSERT INTO eventhubs_checkpoints (namespace, event_hub, consumer_group, partition_id, event_offset, sequence_number, client_id, last_modified)
            VALUES (@ns, @hub, @cg, @p, @offset, @seq, @client, @at)
            ON CONFLICT (namespace, event_hub, consumer_group, partition_id) DO UPDATE SET
                event_offset = excluded.event_offset, sequence_number = excluded.sequence_number,
                client_id = excluded.client_id, last_modified = excluded.last_modified
            """, cancellationToken,
            [.. ConsumerParameters(checkpoint.Consumer), ("@p", checkpoint.PartitionId), ("@offset", checkpoint.Offset),
             ("@seq", checkpoint.SequenceNumber), ("@client", checkpoint.ClientIdentifier), ("@at", database.Dialect.Time(time.GetUtcNow()))]),
            cancellationToken);
    }

    private static (string Name, object? Value)[] ConsumerParameters(EventHubsConsumer consumer) =>
        [("@ns", consumer.FullyQualifiedNamespace), ("@hub", consumer.EventHubName), ("@cg", consumer.ConsumerGroup)];
}
