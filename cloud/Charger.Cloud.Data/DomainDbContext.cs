using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Charger.Cloud.Data;

/// <summary>
/// Base of every after-sales <see cref="DbContext"/>. The same model runs on SQLite and PostgreSQL, so the conventions
/// keep to what both store and order the same way: timestamps as Unix milliseconds (SQLite cannot compare or order
/// <see cref="DateTimeOffset"/>), enums as their names (readable in the database and stable when members are added).
/// Each area derives one context, and from it one sealed class per provider that its migrations are generated for
/// (see the README of this project).
/// </summary>
public abstract class DomainDbContext : DbContext
{
    protected DomainDbContext(DbContextOptions options)
        : base(options)
    {
    }

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(64);
    }
}

/// <summary>Stores a <see cref="DateTimeOffset"/> as Unix milliseconds (UTC); reads it back as UTC.</summary>
public sealed class UnixMillisecondsConverter : ValueConverter<DateTimeOffset, long>
{
    public UnixMillisecondsConverter()
        : base(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v))
    {
    }
}
