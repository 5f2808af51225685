using System.Data.Common;
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
/// the unique keys keep them consistent. Shared by the event store, the credential store and the checkpoint store.
/// </summary>
public sealed class PostgresDatabase : StoreDatabase, IDisposable, IAsyncDisposable
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
    public override string Description { get; }

    /// <inheritdoc />
    public override SqlDialect Dialect => PostgresDialect.Instance;

    /// <summary>Connects and migrates the schema. Idempotent; called by every operation.</summary>
    public override async Task InitializeAsync(CancellationToken cancellationToken)
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

    /// <summary>Runs <paramref name="work"/> in a transaction (read committed) on a connection of its own; commits when it returns.</summary>
    public override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, tx);
        await tx.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Runs <paramref name="work"/> on a connection of its own, outside any explicit transaction.</summary>
    public override async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await work(connection);
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

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var (from, to) = await MigrateAsync(connection, cancellationToken);
        var where = new NpgsqlConnectionStringBuilder(connection.ConnectionString);
        if (from < to)
        {
            PostgresLog.Migrated(_logger, where.Database, where.Host, from, to);
        }

        PostgresLog.Opened(_logger, where.Database, where.Host, to);
    }
}
