using System.Buffers.Text;
using System.Text;
using Charger.Cloud.Core;
using Charger.Cloud.Tests.Support;
using Npgsql;

namespace Charger.Cloud.Tests.Store;

/// <summary>The credential contract against a real PostgreSQL server, and what only its tables can show.</summary>
public sealed class PostgresChargerCredentialStoreTests : ChargerCredentialStoreContractTests
{
    private PostgresStoreFixture? _fixture;

    protected override async Task<IChargerCredentialStore> CreateStoreAsync()
    {
        _fixture = await PostgresStoreFixture.CreateAsync();
        return _fixture.Credentials;
    }

    protected override async Task DestroyStoreAsync()
    {
        if (_fixture is not null)
        {
            await _fixture.DisposeAsync();
        }
    }

    [Fact]
    public async Task Secret_is_not_stored_in_clear_in_the_credentials_table()
    {
        var secrets = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            secrets.Add(await Credentials.EnrolAsync($"CP-{i}", CancellationToken.None));
        }

        // Every column of every row, as PostgreSQL's binary and text forms.
        var rows = new List<byte[]>();
        await using (var connection = new NpgsqlConnection(PostgresTestServer.Unpooled(_fixture!.ConnectionString)))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT charger_id, salt, hash, convert_to(charger_credentials::text, 'UTF8') FROM charger_credentials", connection);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                rows.Add(Encoding.UTF8.GetBytes(r.GetString(0)));
                rows.Add(r.GetFieldValue<byte[]>(1));
                rows.Add(r.GetFieldValue<byte[]>(2));
                rows.Add(r.GetFieldValue<byte[]>(3));
            }
        }

        var bytes = rows.SelectMany(b => b).ToArray();
        Assert.True(Contains(bytes, Encoding.UTF8.GetBytes("CP-4")), "the charger ids are in the rows (the check can see rows)");
        foreach (var secret in secrets)
        {
            Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(secret)), "a secret is stored as text");
            Assert.False(Contains(bytes, Base64Url.DecodeFromChars(secret)), "a secret is stored as raw bytes");
        }
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
