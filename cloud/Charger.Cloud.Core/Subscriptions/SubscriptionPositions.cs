using System.Data.Common;
using System.Globalization;

namespace Charger.Cloud.Core;

/// <summary>
/// The subscriptions' positions (table <c>subscription_positions</c>, made by the event store's migrations), read and
/// moved on the subscriber's own connection and transaction, so the move commits with what the subscriber wrote. The
/// SQL is the same on SQLite and PostgreSQL.
/// </summary>
public static class SubscriptionPositions
{
    /// <summary>The position of <paramref name="name"/>, or <see cref="FeedPosition.Start"/> when it has none yet.</summary>
    public static async Task<FeedPosition> ReadAsync(DbConnection connection, DbTransaction? transaction, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = Command(connection, transaction, "SELECT apply_tx, apply_idx FROM subscription_positions WHERE name = @name", ("@name", name));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new FeedPosition(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture))
            : FeedPosition.Start;
    }

    /// <summary>
    /// Moves <paramref name="name"/> from <paramref name="from"/> to <paramref name="to"/> inside
    /// <paramref name="transaction"/>; false when it was not at <paramref name="from"/> (nothing changed). On PostgreSQL
    /// the row stays locked until the transaction ends, so a second receiver's move waits and then finds it moved.
    /// </summary>
    public static async Task<bool> TryAdvanceAsync(DbConnection connection, DbTransaction transaction, string name, FeedPosition from, FeedPosition to, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        var ms = now.ToUnixTimeMilliseconds();
        await using (var create = Command(connection, transaction,
            "INSERT INTO subscription_positions (name, apply_tx, apply_idx, updated_at) VALUES (@name, 0, 0, @now) ON CONFLICT (name) DO NOTHING",
            ("@name", name), ("@now", ms)))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var move = Command(connection, transaction,
            """
            UPDATE subscription_positions SET apply_tx = @toTx, apply_idx = @toIdx, updated_at = @now
             WHERE name = @name AND apply_tx = @fromTx AND apply_idx = @fromIdx
            """,
            ("@name", name), ("@toTx", to.Tx), ("@toIdx", to.Index), ("@now", ms), ("@fromTx", from.Tx), ("@fromIdx", from.Index));
        return await move.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (parameterName, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = parameterName;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
