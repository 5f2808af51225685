using Charger.Cloud.AfterSales;
using Charger.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Charger.Cloud.Access.Data;

/// <summary>
/// The access area's tables: users, API tokens, the audit log, customers (contact data encrypted), the chargers they
/// own, and the data-protection keys of the sign-in cookie (shared by every receiver on the database).
/// </summary>
public abstract class AccessDb : DomainDbContext
{
    /// <summary>The area's own migrations history table.</summary>
    public const string HistoryTable = "__access_migrations";

    protected AccessDb(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<UserRow> Users => Set<UserRow>();

    public DbSet<TokenRow> Tokens => Set<TokenRow>();

    public DbSet<AuditRow> AuditLog => Set<AuditRow>();

    public DbSet<CustomerRow> Customers => Set<CustomerRow>();

    public DbSet<CustomerChargerRow> CustomerChargers => Set<CustomerChargerRow>();

    public DbSet<DataProtectionKeyRow> DataProtectionKeys => Set<DataProtectionKeyRow>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<UserRow>(e =>
        {
            e.ToTable("access_users");
            e.HasKey(u => u.UserId);
            e.Property(u => u.UserId).HasMaxLength(64);
            e.Property(u => u.DisplayName).HasMaxLength(200);
            e.Property(u => u.Role).HasMaxLength(32);
            e.Property(u => u.Team).HasMaxLength(100);
            e.Property(u => u.PasswordHash).HasMaxLength(512);
        });
        modelBuilder.Entity<TokenRow>(e =>
        {
            e.ToTable("access_tokens");
            e.HasKey(t => t.TokenId);
            e.Property(t => t.TokenId).HasMaxLength(32);
            e.Property(t => t.Name).HasMaxLength(100);
            e.Property(t => t.UserId).HasMaxLength(64);
            e.Property(t => t.CreatedBy).HasMaxLength(64);
            e.Property(t => t.Hash).HasMaxLength(64);
            e.HasIndex(t => t.Hash).IsUnique();
            e.HasIndex(t => t.UserId);
        });
        modelBuilder.Entity<AuditRow>(e =>
        {
            e.ToTable("audit_log");
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).ValueGeneratedOnAdd();
            e.Property(a => a.ActorId).HasMaxLength(64);
            e.Property(a => a.ActorName).HasMaxLength(200);
            e.Property(a => a.ActorRole).HasMaxLength(32);
            e.Property(a => a.Action).HasMaxLength(100);
            e.Property(a => a.EntityType).HasMaxLength(64);
            e.Property(a => a.EntityId).HasMaxLength(200);
            e.Property(a => a.Detail).HasMaxLength(4000);
            e.Property(a => a.Method).HasMaxLength(10);
            e.Property(a => a.Route).HasMaxLength(300);
            e.HasIndex(a => a.At);
            e.HasIndex(a => new { a.EntityType, a.EntityId });
            e.HasIndex(a => a.ActorId);
        });
        modelBuilder.Entity<CustomerRow>(e =>
        {
            e.ToTable("customers");
            e.HasKey(c => c.CustomerId);
            e.Property(c => c.CustomerId).HasMaxLength(64);
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.KeyId).HasMaxLength(16);
            e.Property(c => c.ContactPerson).HasMaxLength(1000);
            e.Property(c => c.Phone).HasMaxLength(1000);
            e.Property(c => c.Email).HasMaxLength(1000);
            e.Property(c => c.Address).HasMaxLength(2000);
            e.Property(c => c.Notes).HasMaxLength(4000);
            e.HasIndex(c => c.Name);
        });
        modelBuilder.Entity<CustomerChargerRow>(e =>
        {
            e.ToTable("customer_chargers");
            e.HasKey(c => c.ChargerId);
            e.Property(c => c.ChargerId).HasMaxLength(64);
            e.Property(c => c.CustomerId).HasMaxLength(64);
            e.HasIndex(c => c.CustomerId);
            e.HasOne<CustomerRow>().WithMany().HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<DataProtectionKeyRow>(e =>
        {
            e.ToTable("access_data_protection_keys");
            e.HasKey(k => k.Id);
            e.Property(k => k.Id).ValueGeneratedOnAdd();
            e.Property(k => k.FriendlyName).HasMaxLength(200);
        });
    }
}

/// <summary>The SQLite form of <see cref="AccessDb"/> (its migrations are SQLite's).</summary>
public sealed class SqliteAccessDb(DbContextOptions options) : AccessDb(options);

/// <summary>The PostgreSQL form of <see cref="AccessDb"/> (its migrations are PostgreSQL's).</summary>
public sealed class PostgresAccessDb(DbContextOptions options) : AccessDb(options);

/// <summary>Design-time factory for <c>dotnet ef migrations add --context SqliteAccessDb</c>.</summary>
public sealed class SqliteAccessDbDesignFactory : IDesignTimeDbContextFactory<SqliteAccessDb>
{
    public SqliteAccessDb CreateDbContext(string[] args) => new(DomainDbOptions.DesignTime(DomainDbProvider.Sqlite, AccessDb.HistoryTable));
}

/// <summary>Design-time factory for <c>dotnet ef migrations add --context PostgresAccessDb</c>.</summary>
public sealed class PostgresAccessDbDesignFactory : IDesignTimeDbContextFactory<PostgresAccessDb>
{
    public PostgresAccessDb CreateDbContext(string[] args) => new(DomainDbOptions.DesignTime(DomainDbProvider.Postgres, AccessDb.HistoryTable));
}

/// <summary>A user: login name, role, team, password hash (ASP.NET Core Identity's PBKDF2 format) and lockout state.</summary>
public sealed class UserRow
{
    public required string UserId { get; set; }
    public required string DisplayName { get; set; }
    public required string Role { get; set; }
    public string? Team { get; set; }
    public bool Active { get; set; } = true;
    public required string PasswordHash { get; set; }
    public int FailedSignIns { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset PasswordChangedAt { get; set; }
}

/// <summary>An API token: only the SHA-256 of the token is kept.</summary>
public sealed class TokenRow
{
    public required string TokenId { get; set; }
    public required string Name { get; set; }
    public required string UserId { get; set; }
    public required string CreatedBy { get; set; }
    public required string Hash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>One audit entry. Rows are only ever inserted (triggers refuse UPDATE and DELETE).</summary>
public sealed class AuditRow
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string ActorId { get; set; }
    public required string ActorName { get; set; }
    public required string ActorRole { get; set; }
    public required string Action { get; set; }
    public required string EntityType { get; set; }
    public required string EntityId { get; set; }
    public string? Detail { get; set; }
    public string? Method { get; set; }
    public string? Route { get; set; }
    public int? Status { get; set; }
}

/// <summary>A customer; <see cref="ContactPerson"/>, <see cref="Phone"/>, <see cref="Email"/> and <see cref="Address"/> hold AES-GCM ciphertext.</summary>
public sealed class CustomerRow
{
    public required string CustomerId { get; set; }
    public required string Name { get; set; }
    public CustomerTier Tier { get; set; }
    public required string KeyId { get; set; }
    public string? ContactPerson { get; set; }
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public string? Address { get; set; }
    public string? Notes { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A charger owned by a customer (a charger has at most one owner).</summary>
public sealed class CustomerChargerRow
{
    public required string ChargerId { get; set; }
    public required string CustomerId { get; set; }
    public DateTimeOffset AssignedAt { get; set; }
}

/// <summary>A data-protection key (XML) of the sign-in cookie.</summary>
public sealed class DataProtectionKeyRow
{
    public int Id { get; set; }
    public string? FriendlyName { get; set; }
    public required string Xml { get; set; }
}
