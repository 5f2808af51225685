using System.Data.Common;
using System.Globalization;

namespace Charger.Cloud.Store;

/// <summary>A statement and its named parameters (<c>@name</c>; a null value is SQL NULL).</summary>
internal sealed record SqlStatement(string Text, params (string Name, object? Value)[] Parameters);

/// <summary>Commands on any ADO.NET connection of the store: one way to build, run and read them.</summary>
internal static class Sql
{
    /// <summary>Rows per multi-row statement: 1,000 rows of up to 8 columns stay below SQLite's 32,766 and PostgreSQL's 65,535 parameters.</summary>
    public const int RowsPerStatement = 1000;

    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<long> ScalarInt64Async(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    public static async Task<List<T>> QueryAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var list = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(read(reader));
        }

        return list;
    }

    /// <summary>
    /// Runs <paramref name="statements"/> in order and returns the rows each affected: as one <see cref="DbBatch"/> (one
    /// round trip) where the provider has batches (Npgsql), one by one otherwise (SQLite runs in process).
    /// </summary>
    public static async Task<int[]> ExecuteBatchAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<SqlStatement> statements, CancellationToken cancellationToken)
    {
        var affected = new int[statements.Count];
        if (statements.Count == 0)
        {
            return affected;
        }

        if (!connection.CanCreateBatch)
        {
            for (var i = 0; i < statements.Count; i++)
            {
                affected[i] = await ExecuteAsync(connection, transaction, statements[i].Text, cancellationToken, statements[i].Parameters);
            }

            return affected;
        }

        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        foreach (var statement in statements)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = statement.Text;
            foreach (var (name, value) in statement.Parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }

            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        for (var i = 0; i < statements.Count; i++)
        {
            affected[i] = batch.BatchCommands[i].RecordsAffected;
        }

        return affected;
    }

    /// <summary>
    /// The text and parameters of a multi-row <c>VALUES</c> list for <paramref name="rows"/>: <c>(@p0_0, @p0_1), (@p1_0, @p1_1)</c>.
    /// Call it with at most <see cref="RowsPerStatement"/> rows.
    /// </summary>
    public static (string Values, (string Name, object? Value)[] Parameters) Values<T>(IReadOnlyList<T> rows, Func<T, object?[]> columns)
    {
        var text = new System.Text.StringBuilder();
        var parameters = new List<(string, object?)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var values = columns(rows[i]);
            text.Append(i == 0 ? "(" : ", (");
            for (var j = 0; j < values.Length; j++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"@p{i}_{j}");
                text.Append(j == 0 ? name : ", " + name);
                parameters.Add((name, values[j]));
            }

            text.Append(')');
        }

        return (text.ToString(), [.. parameters]);
    }

    /// <summary>
    /// Inserts <paramref name="rows"/> with <c><paramref name="insert"/> VALUES (...) <paramref name="tail"/></c> and reads what
    /// the statement returns (with <paramref name="read"/>; null for nothing): one statement per
    /// <see cref="RowsPerStatement"/> rows where the dialect says so (<see cref="SqlDialect.ManyRowsPerStatement"/>),
    /// otherwise one prepared statement run once per row.
    /// </summary>
    public static async Task<List<T>> InsertRowsAsync<TRow, T>(DbConnection connection, DbTransaction transaction, SqlDialect dialect, string insert, string tail,
        IReadOnlyList<TRow> rows, Func<TRow, object?[]> columns, Func<DbDataReader, T>? read, CancellationToken cancellationToken)
    {
        var result = new List<T>();
        if (rows.Count == 0)
        {
            return result;
        }

        if (dialect.ManyRowsPerStatement)
        {
            foreach (var chunk in rows.Chunk(RowsPerStatement))
            {
                var (values, parameters) = Values(chunk, columns);
                var sql = $"{insert} VALUES {values} {tail}";
                if (read is null)
                {
                    await ExecuteAsync(connection, transaction, sql, cancellationToken, parameters);
                }
                else
                {
                    result.AddRange(await QueryAsync(connection, transaction, sql, read, cancellationToken, parameters));
                }
            }

            return result;
        }

        var width = columns(rows[0]).Length;
        var names = Enumerable.Range(0, width).Select(j => string.Create(CultureInfo.InvariantCulture, $"@p{j}")).ToArray();
        await using var command = Command(connection, transaction, $"{insert} VALUES ({string.Join(", ", names)}) {tail}",
            [.. names.Select(n => (n, (object?)null))]);
        foreach (var row in rows)
        {
            var values = columns(row);
            for (var j = 0; j < width; j++)
            {
                command.Parameters[j].Value = values[j] ?? DBNull.Value;
            }

            if (read is null)
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
                continue;
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                result.Add(read(reader));
            }
        }

        return result;
    }

    /// <summary>An <c>IN</c> list for <paramref name="values"/>: <c>(@k0, @k1)</c> (at most <see cref="RowsPerStatement"/>).</summary>
    public static (string List, (string Name, object? Value)[] Parameters) In<T>(IReadOnlyList<T> values)
    {
        var names = new string[values.Count];
        var parameters = new (string, object?)[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            names[i] = string.Create(CultureInfo.InvariantCulture, $"@k{i}");
            parameters[i] = (names[i], values[i]);
        }

        return ("(" + string.Join(", ", names) + ")", parameters);
    }
}
