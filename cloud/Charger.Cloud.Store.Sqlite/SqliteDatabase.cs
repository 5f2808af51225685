using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Store.Sqlite;

/// <summary>
/// One cloud database file: WAL, synchronous=FULL, a busy timeout, the schema created or migrated on first use.
/// Writes go through one connection, one at a time (a semaphore); reads use their own pooled connections, which WAL lets
/// run beside the writer. Shared by the event store and the credential store.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _writeConnectionString;
    private readonly string _readConnectionString;
    private readonly int _busyTimeoutMs;
    private readonly ILogger _logger;
    private SqliteConnection? _writer;
    private bool _disposed;

    /// <summary>Opens the file named by <paramref name="options"/> (its path must already be absolute or relative to the working directory).</summary>
    public SqliteDatabase(IOptions<SqliteStoreOptions> options, ILogger<SqliteDatabase> logger)
        : this(options.Value.Path, options.Value.BusyTimeoutMs, logger)
    {
    }

    /// <summary>Opens (lazily) the database at <paramref name="path"/>.</summary>
    public SqliteDatabase(string path, int busyTimeoutMs = 5000, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfNegative(busyTimeoutMs);
        Path = System.IO.Path.GetFullPath(path);
        _busyTimeoutMs = busyTimeoutMs;
        _logger = logger ?? NullLogger.Instance;
        var timeoutSeconds = Math.Max(1, (busyTimeoutMs + 999) / 1000);
        _writeConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = timeoutSeconds,
        }.ToString();
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = timeoutSeconds,
        }.ToString();
    }

    /// <summary>The absolute path of the database file.</summary>
    public string Path { get; }

    /// <summary>Creates the file and directory if needed, sets WAL, and migrates the schema. Idempotent; called by every operation.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _writer) is not null)
        {
            return;
        }

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await EnsureWriterAsync(cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The schema version recorded in the file.</summary>
    public Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken) =>
        ReadAsync(async c =>
        {
            await using var cmd = Command(c, null, "SELECT MAX(version) FROM schema_version");
            var v = await cmd.ExecuteScalarAsync(cancellationToken);
            return v is null or DBNull ? 0 : Convert.ToInt32(v, CultureInfo.InvariantCulture);
        }, cancellationToken);

    /// <summary>Runs <paramref name="work"/> in a write transaction on the single writer connection; commits when it returns.</summary>
    internal async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var writer = await EnsureWriterAsync(cancellationToken);
            await using var tx = (SqliteTransaction)await writer.BeginTransactionAsync(cancellationToken);
            var result = await work(writer, tx);
            await tx.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> on a reader connection of its own.</summary>
    internal async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        await using var connection = new SqliteConnection(_readConnectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, $"PRAGMA busy_timeout = {_busyTimeoutMs.ToString(CultureInfo.InvariantCulture)};", cancellationToken);
        return await work(connection);
    }

    /// <summary>A command with named parameters (<c>@name</c>); null values become SQL NULL.</summary>
    internal static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return cmd;
    }

    internal static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction? tx, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var cmd = Command(connection, tx, sql, parameters);
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? tx, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var cmd = Command(connection, tx, sql, parameters);
        return await cmd.ExecuteScalarAsync(cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _writer?.Dispose();
        using (var pooled = new SqliteConnection(_readConnectionString))
        {
            SqliteConnection.ClearPool(pooled);
        }

        _writeLock.Dispose();
    }

    private async Task<SqliteConnection> EnsureWriterAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_writer is not null)
        {
            return _writer;
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var connection = new SqliteConnection(_writeConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, null, $"PRAGMA busy_timeout = {_busyTimeoutMs.ToString(CultureInfo.InvariantCulture)};", cancellationToken);
            await using (var wal = Command(connection, null, "PRAGMA journal_mode = WAL;"))
            {
                var mode = (string?)await wal.ExecuteScalarAsync(cancellationToken);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"SQLite refused WAL mode for {Path} (journal_mode is '{mode}').");
                }
            }

            await ExecuteAsync(connection, null, "PRAGMA synchronous = FULL;", cancellationToken);
            await MigrateAsync(connection, cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        Volatile.Write(ref _writer, connection);
        return connection;
    }

    private async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, null, SqliteSchema.CreateVersionTable, cancellationToken);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        int current;
        await using (var cmd = Command(connection, tx, "SELECT COALESCE(MAX(version), 0) FROM schema_version"))
        {
            current = Convert.ToInt32(await cmd.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        if (current > SqliteSchema.LatestVersion)
        {
            throw new InvalidOperationException(
                $"The database {Path} has schema version {current}, newer than this build supports ({SqliteSchema.LatestVersion}). Run a newer charger-cloud.");
        }

        for (var version = current + 1; version <= SqliteSchema.LatestVersion; version++)
        {
            await ExecuteAsync(connection, tx, SqliteSchema.Migrations[version - 1], cancellationToken);
            await ExecuteAsync(connection, tx, "INSERT INTO schema_version (version, applied_at) VALUES (@v, @at)", cancellationToken,
                ("@v", version), ("@at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        }

        await tx.CommitAsync(cancellationToken);
        if (current < SqliteSchema.LatestVersion)
        {
            SqliteLog.Migrated(_logger, Path, SqliteSchema.LatestVersion);
        }

        SqliteLog.Opened(_logger, Path, SqliteSchema.LatestVersion);
    }
}
