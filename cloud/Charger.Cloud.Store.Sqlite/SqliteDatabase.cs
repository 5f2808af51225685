using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Store.Sqlite;

/// <summary>
/// One cloud database file: WAL, synchronous=FULL, a busy timeout, the schema created or migrated on first use.
/// Writes go through one connection, one at a time (a semaphore); reads use their own pooled connections, which WAL lets
/// run beside the writer. Shared by the event store, the credential store and the checkpoint store.
/// </summary>
public sealed class SqliteDatabase : StoreDatabase, IDisposable
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

    /// <inheritdoc />
    public override SqlDialect Dialect => SqliteDialect.Instance;

    /// <inheritdoc />
    public override string Description => $"SQLite database {Path}";

    /// <summary>Creates the file and directory if needed, sets WAL, and migrates the schema. Idempotent; called by every operation.</summary>
    public override async Task InitializeAsync(CancellationToken cancellationToken)
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

    /// <summary>Runs <paramref name="work"/> in a write transaction on the single writer connection; commits when it returns.</summary>
    public override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var writer = await EnsureWriterAsync(cancellationToken);
            await using var tx = await writer.BeginTransactionAsync(cancellationToken);
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
    public override async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        await using var connection = new SqliteConnection(_readConnectionString);
        await connection.OpenAsync(cancellationToken);
        await Sql.ExecuteAsync(connection, null, $"PRAGMA busy_timeout = {_busyTimeoutMs.ToString(CultureInfo.InvariantCulture)};", cancellationToken);
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
            await Sql.ExecuteAsync(connection, null, $"PRAGMA busy_timeout = {_busyTimeoutMs.ToString(CultureInfo.InvariantCulture)};", cancellationToken);
            await using (var wal = Sql.Command(connection, null, "PRAGMA journal_mode = WAL;"))
            {
                var mode = (string?)await wal.ExecuteScalarAsync(cancellationToken);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"SQLite refused WAL mode for {Path} (journal_mode is '{mode}').");
                }
            }

            await Sql.ExecuteAsync(connection, null, "PRAGMA synchronous = FULL;", cancellationToken);
            var (from, to) = await MigrateAsync(connection, cancellationToken);
            if (from < to)
            {
                SqliteLog.Migrated(_logger, Path, to);
            }

            SqliteLog.Opened(_logger, Path, to);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        Volatile.Write(ref _writer, connection);
        return connection;
    }
}
