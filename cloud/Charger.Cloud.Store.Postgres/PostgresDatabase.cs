using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Charger.Cloud.Store.Postgres;

/// <summary>
/// One PostgreSQL database (an <see cref="NpgsqlDataSource"/> with its connection pool), the schema migrated on first use.
/// Every write is one transaction on a pooled connection of its own; unlike the SQLite store there is no process-wide
/// write lock, so several receivers may share the database: the optimistic checks of the event store (applied seq) and
/// the unique keys keep them consistent. Shared by the event store and the credential store.
/// </summary>
public sealed class PostgresDatabase : IDisposable, IAsyncDisposable
{
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private volatile bool _initialized;
    private bool _disposed;

    /// <summary>Uses the server and database named by <paramref name="options"/>; Npgsql's own messages go to <paramref name="loggerFactory"/>.</summary>
    public PostgresDatabase(IOptions<PostgresStoreOptions> options, ILoggerFactory loggerFactory)
        : this(options.Value.ConnectionString, options.Value.CommandTimeoutSeconds, options.Value.MaxPoolSize, loggerFactory)
    {
    }

    /// <summary>Uses the server and database of <paramref name="connectionString"/>; connects lazily.</summary>
    public PostgresDatabase(string connectionString, int commandTimeoutSeconds = 30, int maxPoolSize = 20, ILoggerFactory? loggerFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            CommandTimeout = commandTimeoutSeconds,
            MaxPoolSize = maxPoolSize,
        };
        Description = $"PostgreSQL database '{builder.Database ?? builder.Username}' on {builder.Host}:{builder.Port.ToString(CultureInfo.InvariantCulture)}"
            + (string.IsNullOrEmpty(builder.SearchPath) ? string.Empty : $" (schema {builder.SearchPath})");
        var dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString);
        if (loggerFactory is not null)
        {
            dataSource.UseLoggerFactory(loggerFactory);
        }

        _dataSource = dataSource.Build();
        _logger = loggerFactory?.CreateLogger<PostgresDatabase>() ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Where the data is, for messages: database, host, port and schema, never the password.</summary>
    public string Description { get; }

    /// <summary>Connects and migrates the schema. Idempotent; called by every operation.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _initLock.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_initialized)
            {
                await MigrateAsync(cancellationToken);
                _initialized = true;
            }
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <summary>The schema version recorded in the database.</summary>
    public Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken) =>
        ReadAsync(async c =>
        {
            await using var cmd = Command(c, null, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
            return Convert.ToInt32(await cmd.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }, cancellationToken);

    /// <summary>Runs <paramref name="work"/> in a transaction (read committed) on a connection of its own; commits when it returns.</summary>
    internal async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, tx);
        await tx.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Runs <paramref name="work"/> on a connection of its own, outside any explicit transaction.</summary>
    internal async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await work(connection);
    }

    /// <summary>A command with named parameters (<c>@name</c>); null values become SQL NULL.</summary>
    internal static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = new NpgsqlCommand(sql, connection, tx);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return cmd;
    }

    internal static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var cmd = Command(connection, tx, sql, parameters);
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _dataSource.Dispose();
        _initLock.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _dataSource.DisposeAsync();
        _initLock.Dispose();
    }

    /// <summary>
    /// Applies the missing migrations in one transaction under a transaction-scoped advisory lock: receivers starting
    /// together queue on the lock, and each then sees the version the first one left and has nothing to do.
    /// </summary>
    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, tx, "SELECT pg_advisory_xact_lock(@key)", cancellationToken, ("@key", PostgresSchema.MigrationLockKey));
        await ExecuteAsync(connection, tx, PostgresSchema.CreateVersionTable, cancellationToken);
        int current;
        await using (var cmd = Command(connection, tx, "SELECT COALESCE(MAX(version), 0) FROM schema_version"))
        {
            current = Convert.ToInt32(await cmd.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        if (current > PostgresSchema.LatestVersion)
        {
            throw new InvalidOperationException(
                $"The {Description} has schema version {current}, newer than this build supports ({PostgresSchema.LatestVersion}). Run a newer charger-cloud.");
        }

        for (var version = current + 1; version <= PostgresSchema.LatestVersion; version++)
        {
            await ExecuteAsync(connection, tx, PostgresSchema.Migrations[version - 1], cancellationToken);
            await ExecuteAsync(connection, tx, "INSERT INTO schema_version (version, applied_at) VALUES (@v, now())", cancellationToken, ("@v", version));
        }

        await tx.CommitAsync(cancellationToken);
        var where = new NpgsqlConnectionStringBuilder(connection.ConnectionString);
        if (current < PostgresSchema.LatestVersion)
        {
            PostgresLog.Migrated(_logger, where.Database, where.Host, current, PostgresSchema.LatestVersion);
        }

        PostgresLog.Opened(_logger, where.Database, where.Host, PostgresSchema.LatestVersion);
    }
}
