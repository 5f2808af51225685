using System.Net;
using Microsoft.Data.Sqlite;

namespace Charger.Cloud.Tests.Api;

/// <summary><c>/healthz</c> is anonymous: when the store fails it says so, and keeps the cause for the log.</summary>
public sealed class HealthTests : IDisposable
{
    private readonly CloudApiFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task A_failing_store_is_a_503_that_tells_an_anonymous_caller_nothing_of_its_cause()
    {
        var http = _factory.CreateClient();
        using (var healthy = await http.GetAsync(new Uri("/healthz", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        }

        // The store breaks under the running cloud: the table its health check reads is gone.
        var database = Path.Combine(_factory.DataDirectory, "cloud.db");
        Assert.True(File.Exists(database), database);
        await using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE schema_version";
            await drop.ExecuteNonQueryAsync();
        }

        using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("The store is not available", body, StringComparison.Ordinal);
        Assert.DoesNotContain("schema_version", body, StringComparison.Ordinal);
        Assert.DoesNotContain("SQLite", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(_factory.DataDirectory, body, StringComparison.Ordinal);
    }
}
