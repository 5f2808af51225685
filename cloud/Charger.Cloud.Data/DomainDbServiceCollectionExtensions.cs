using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Charger.Cloud.Data;

/// <summary>Creates the provider-specific context of one area of the domain.</summary>
/// <typeparam name="TContext">The area's context (e.g. <c>AccessDb</c>).</typeparam>
public interface IDomainDbFactory<TContext>
    where TContext : DomainDbContext
{
    /// <summary>A new context on the configured database; the caller disposes it.</summary>
    TContext Create();
}

/// <summary>Registration of an area's context on the host's <see cref="DomainDatabase"/>.</summary>
public static class DomainDbServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IDomainDbFactory{TContext}"/> for an area and a hosted service that applies the area's
    /// migrations at start-up (before the hosted services registered after it start). Needs a <see cref="DomainDatabase"/>
    /// singleton. <paramref name="sqlite"/> and <paramref name="postgres"/> construct the area's provider-specific
    /// contexts, the ones its migrations were generated for.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="historyTable">The area's own migrations history table (areas migrate independently in one database).</param>
    /// <param name="sqlite">Constructs the SQLite context from its options.</param>
    /// <param name="postgres">Constructs the PostgreSQL context from its options.</param>
    public static IServiceCollection AddDomainDb<TContext>(
        this IServiceCollection services, string historyTable, Func<DbContextOptions, TContext> sqlite, Func<DbContextOptions, TContext> postgres)
        where TContext : DomainDbContext
    {
        services.AddSingleton<IDomainDbFactory<TContext>>(sp =>
            new DomainDbFactory<TContext>(sp.GetRequiredService<DomainDatabase>(), historyTable, sqlite, postgres, sp.GetService<ILoggerFactory>()));
        services.AddSingleton<IHostedService>(sp =>
            new DomainDbMigrator<TContext>(sp.GetRequiredService<IDomainDbFactory<TContext>>(), sp.GetRequiredService<ILogger<DomainDbMigrator<TContext>>>()));
        return services;
    }
}

/// <summary>Builds an area's contexts for one database; the options are built once.</summary>
public sealed class DomainDbFactory<TContext> : IDomainDbFactory<TContext>
    where TContext : DomainDbContext
{
    private readonly DbContextOptions _options;
    private readonly Func<DbContextOptions, TContext> _construct;

    public DomainDbFactory(
        DomainDatabase database, string historyTable, Func<DbContextOptions, TContext> sqlite, Func<DbContextOptions, TContext> postgres, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _options = DomainDbOptions.Build(database, historyTable, loggerFactory);
        _construct = database.Provider == DomainDbProvider.Postgres ? postgres : sqlite;
    }

    /// <inheritdoc />
    public TContext Create() => _construct(_options);
}

/// <summary>The EF Core options of a context on a <see cref="DomainDatabase"/>.</summary>
public static class DomainDbOptions
{
    /// <summary>Options for <paramref name="database"/>, with the area's migrations history table.</summary>
    public static DbContextOptions Build(DomainDatabase database, string historyTable, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var builder = new DbContextOptionsBuilder();
        if (database.Provider == DomainDbProvider.Postgres)
        {
            builder.UseNpgsql(database.ConnectionString, o => o.MigrationsHistoryTable(historyTable));
        }
        else
        {
            builder.UseSqlite(database.ConnectionString, o => o.MigrationsHistoryTable(historyTable));
        }

        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        return builder.Options;
    }

    /// <summary>
    /// Options for <c>dotnet ef migrations add</c> (design time: no database is opened).
    /// Use it from an <c>IDesignTimeDbContextFactory</c> per provider-specific context.
    /// </summary>
    public static DbContextOptions DesignTime(DomainDbProvider provider, string historyTable) => Build(
        provider == DomainDbProvider.Postgres
            ? DomainDatabase.Postgres("Host=localhost;Database=design_time")
            : DomainDatabase.Sqlite("design-time.db", 1000),
        historyTable);
}

/// <summary>
/// Applies an area's migrations at start-up. On PostgreSQL every area migrates under one session advisory lock (EF Core's
/// own lock covers one migration at a time), so receivers starting together migrate once; on SQLite EF Core's lock table.
/// </summary>
public sealed partial class DomainDbMigrator<TContext> : IHostedService
    where TContext : DomainDbContext
{
    /// <summary>The session advisory lock every area's migrations run under on PostgreSQL (SQL, a constant).</summary>
    private const string MigrationLockKey = "hashtext('charger-cloud-migrations')";

    private readonly IDomainDbFactory<TContext> _factory;
    private readonly ILogger _logger;

    public DomainDbMigrator(IDomainDbFactory<TContext> factory, ILogger<DomainDbMigrator<TContext>> logger)
    {
        _factory = factory;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = _factory.Create();
        var postgres = db.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true;
        if (postgres)
        {
            // EF Core's own lock on PostgreSQL lasts one migration's transaction: a receiver that started together with
            // another could apply the second of two pending migrations again ("column already exists", seen with two
            // receivers). A session lock held over the whole run makes the second wait, then find nothing pending.
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
        }

        try
        {
            await MigrateAsync(db, cancellationToken);
        }
        finally
        {
            if (postgres)
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private async Task MigrateAsync(TContext db, CancellationToken cancellationToken)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        if (pending.Count > 0)
        {
            var names = string.Join(", ", pending);
            Migrated(_logger, typeof(TContext).Name, pending.Count, names);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "{Context}: applied {Count} migration(s): {Migrations}")]
    private static partial void Migrated(ILogger logger, string context, int count, string migrations);
}
