using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace Charger.Cloud.Store.Postgres;

/// <summary>Settings of the PostgreSQL store (section <c>Cloud:Postgres</c>).</summary>
public sealed class PostgresStoreOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Cloud:Postgres";

    /// <summary>
    /// An Npgsql connection string, e.g. <c>Host=db;Port=5432;Database=charger;Username=charger_cloud;Password=...</c>.
    /// No default: a receiver never falls back to a built-in server or password. <c>Search Path=NAME</c> puts the tables in
    /// schema NAME (it must exist).
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Cloud:Postgres:ConnectionString is required when Cloud:Store is postgres.")]
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>How long a command may run before it is cancelled, in seconds (0: no limit).</summary>
    [Range(0, 3600)]
    public int CommandTimeoutSeconds { get; set; } = 30;

    /// <summary>Upper bound of the connection pool.</summary>
    [Range(1, 1000)]
    public int MaxPoolSize { get; set; } = 20;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield break;
        }

        string? error = null;
        NpgsqlConnectionStringBuilder? parsed = null;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(ConnectionString);
        }
        catch (ArgumentException ex)
        {
            error = $"Cloud:Postgres:ConnectionString is not a valid Npgsql connection string: {ex.Message}";
        }

        if (error is not null)
        {
            yield return new ValidationResult(error, [nameof(ConnectionString)]);
        }
        else if (string.IsNullOrWhiteSpace(parsed!.Host))
        {
            yield return new ValidationResult("Cloud:Postgres:ConnectionString names no Host.", [nameof(ConnectionString)]);
        }
    }
}
