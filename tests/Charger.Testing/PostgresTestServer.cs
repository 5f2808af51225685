using Npgsql;

namespace Charger.Testing;

/// <summary>
/// The real PostgreSQL server the PostgreSQL tests run against, named by the environment variable
/// <c>CHARGER_TEST_POSTGRES</c> (an Npgsql connection string; <c>./test.sh</c> starts a throwaway server and sets it).
/// Without it those tests fail, never skip: a suite that silently left out one of its stores would pass for nothing.
/// In Charger.Testing, which the test projects reference.
/// </summary>
public static class PostgresTestServer
{
    public const string Variable = "CHARGER_TEST_POSTGRES";

    /// <summary>The connection string of the test server; throws with a clear message when it is not configured.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set, so the PostgreSQL store tests cannot run. Run ./test.sh (it starts a throwaway PostgreSQL " +
                $"and sets it), or start a server and export {Variable}=\"Host=127.0.0.1;Port=5432;Username=USER;Password=PASSWORD;Database=postgres\".");

    /// <summary>Creates a fresh, empty schema and returns a connection string whose search path is that schema.</summary>
    public static async Task<(string Schema, string ConnectionString)> CreateSchemaAsync()
    {
        var schema = $"t_{Guid.NewGuid():N}";
        await ExecuteAsync($"CREATE SCHEMA \"{schema}\"");
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema };
        return (schema, builder.ConnectionString);
    }

    public static Task DropSchemaAsync(string schema) => ExecuteAsync($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");

    public static async Task ExecuteAsync(string sql, string? connectionString = null)
    {
        await using var connection = new NpgsqlConnection(Unpooled(connectionString ?? ConnectionString));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<object?> ScalarAsync(string sql, string connectionString)
    {
        await using var connection = new NpgsqlConnection(Unpooled(connectionString));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        return await cmd.ExecuteScalarAsync();
    }

    /// <summary>The same connection string without pooling, so a test's ad-hoc connections do not outlive its schema.</summary>
    public static string Unpooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
}
