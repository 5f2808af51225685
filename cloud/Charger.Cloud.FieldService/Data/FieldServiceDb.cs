using System.Text;
using Charger.Cloud.Data;
using Charger.Cloud.FieldService.WorkOrders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Charger.Cloud.FieldService.Data;

/// <summary>
/// The service area's tables: alarms and their history, the projector's cursors, work orders with their transitions and
/// pauses, SLA policies, blocked chargers and the fleet's maintenance log (service records with their work-order link). Column names are snake_case on both engines.
/// </summary>
public abstract class FieldServiceDb : DomainDbContext
{
    /// <summary>The area's migrations history table.</summary>
    public const string HistoryTable = "__service_migrations";

    protected FieldServiceDb(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<Alarm> Alarms => Set<Alarm>();
    public DbSet<AlarmHistoryEntry> AlarmHistory => Set<AlarmHistoryEntry>();
    public DbSet<ProjectorCursor> Cursors => Set<ProjectorCursor>();
    public DbSet<WorkOrderRow> WorkOrders => Set<WorkOrderRow>();
    public DbSet<WorkOrderTransitionRow> WorkOrderTransitions => Set<WorkOrderTransitionRow>();
    public DbSet<WorkOrderPauseRow> WorkOrderPauses => Set<WorkOrderPauseRow>();
    public DbSet<BlockedCharger> BlockedChargers => Set<BlockedCharger>();
    public DbSet<ServiceRecordRow> MaintenanceLog => Set<ServiceRecordRow>();
    public DbSet<SlaPolicyRow> SlaPolicies => Set<SlaPolicyRow>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<Alarm>(e =>
        {
            e.ToTable("alarms");
            e.HasIndex(a => a.ActiveKey).IsUnique();
            e.HasIndex(a => new { a.ChargerId, a.Code });
            e.HasIndex(a => a.Status);
            e.Property(a => a.ChargerId).HasMaxLength(64);
            e.Property(a => a.Code).HasMaxLength(64);
            e.Property(a => a.ActiveKey).HasMaxLength(130);
            e.Property(a => a.Version).IsConcurrencyToken();
            e.HasMany(a => a.History).WithOne().HasForeignKey(h => h.AlarmId);
        });
        modelBuilder.Entity<AlarmHistoryEntry>(e =>
        {
            e.ToTable("alarm_history");
            e.HasIndex(h => h.AlarmId);
        });
        modelBuilder.Entity<ProjectorCursor>(e =>
        {
            e.ToTable("service_projector_cursors");
            e.HasKey(c => c.ChargerId);
            e.Property(c => c.ChargerId).HasMaxLength(64);
        });
        modelBuilder.Entity<WorkOrderRow>(e =>
        {
            e.ToTable("work_orders");
            e.Ignore(w => w.Reference);
            e.HasIndex(w => w.SourceKey).IsUnique();
            e.HasIndex(w => new { w.ChargerId, w.State });
            e.HasIndex(w => w.State);
            e.HasIndex(w => w.EngineerId);
            e.Property(w => w.ChargerId).HasMaxLength(64);
            e.Property(w => w.Version).IsConcurrencyToken();
            e.HasMany(w => w.Transitions).WithOne().HasForeignKey(t => t.WorkOrderId);
            e.HasMany(w => w.Pauses).WithOne().HasForeignKey(p => p.WorkOrderId);
        });
        modelBuilder.Entity<WorkOrderTransitionRow>(e =>
        {
            e.ToTable("work_order_transitions");
            e.HasIndex(t => t.WorkOrderId);
        });
        modelBuilder.Entity<WorkOrderPauseRow>(e =>
        {
            e.ToTable("work_order_pauses");
            e.HasIndex(p => p.WorkOrderId);
        });
        modelBuilder.Entity<BlockedCharger>(e =>
        {
            e.ToTable("blocked_chargers");
            e.HasKey(b => b.ChargerId);
            e.Property(b => b.ChargerId).HasMaxLength(64);
        });
        modelBuilder.Entity<ServiceRecordRow>(e =>
        {
            e.ToTable("maintenance_log");
            e.HasKey(l => new { l.ChargerId, l.Seq });
            e.Property(l => l.ChargerId).HasMaxLength(64);
            if (Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true)
            {
                // The log pages by (ts, charger, seq) in byte order of the charger id, as SQLite compares (and as the
                // event store's tables do).
                e.Property(l => l.ChargerId).UseCollation("C");
            }

            e.HasIndex(l => l.WorkOrderId);
            e.HasIndex(l => new { l.Ts, l.ChargerId, l.Seq });
            e.HasIndex(l => new { l.EngineerId, l.Ts });
            e.HasIndex(l => l.WorkOrderRef);
        });
        modelBuilder.Entity<SlaPolicyRow>(e =>
        {
            e.ToTable("sla_policies");
            e.HasIndex(p => new { p.Tier, p.Priority }).IsUnique();
        });

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }
        }
    }

    private static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                sb.Append('_');
            }

            sb.Append(char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }
}

/// <summary>The service area on SQLite (its migrations are generated for this class).</summary>
public sealed class SqliteFieldServiceDb(DbContextOptions options) : FieldServiceDb(options);

/// <summary>The service area on PostgreSQL (its migrations are generated for this class).</summary>
public sealed class PostgresFieldServiceDb(DbContextOptions options) : FieldServiceDb(options);

/// <summary>For <c>dotnet ef migrations add ... --context SqliteFieldServiceDb</c>.</summary>
public sealed class SqliteFieldServiceDbDesignTimeFactory : IDesignTimeDbContextFactory<SqliteFieldServiceDb>
{
    public SqliteFieldServiceDb CreateDbContext(string[] args) => new(DomainDbOptions.DesignTime(DomainDbProvider.Sqlite, FieldServiceDb.HistoryTable));
}

/// <summary>For <c>dotnet ef migrations add ... --context PostgresFieldServiceDb</c>.</summary>
public sealed class PostgresFieldServiceDbDesignTimeFactory : IDesignTimeDbContextFactory<PostgresFieldServiceDb>
{
    public PostgresFieldServiceDb CreateDbContext(string[] args) => new(DomainDbOptions.DesignTime(DomainDbProvider.Postgres, FieldServiceDb.HistoryTable));
}
