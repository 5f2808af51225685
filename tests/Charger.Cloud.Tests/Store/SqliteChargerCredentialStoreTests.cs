using System.Buffers.Text;
using System.Text;
using Charger.Cloud.Core;
using Charger.Cloud.Tests.Support;

namespace Charger.Cloud.Tests.Store;

/// <summary>The credential contract against a real SQLite file, and what only a file can show.</summary>
public sealed class SqliteChargerCredentialStoreTests : ChargerCredentialStoreContractTests
{
    private SqliteStoreFixture? _fixture;

    protected override Task<IChargerCredentialStore> CreateStoreAsync()
    {
        _fixture = new SqliteStoreFixture();
        return Task.FromResult<IChargerCredentialStore>(_fixture.Credentials);
    }

    protected override Task DestroyStoreAsync()
    {
        _fixture?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Secret_is_not_stored_in_clear_in_the_database_files()
    {
        var secrets = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            secrets.Add(await Credentials.EnrolAsync($"CP-{i}", CancellationToken.None));
        }

        var bytes = Directory.GetFiles(_fixture!.DirectoryPath).SelectMany(File.ReadAllBytes).ToArray();
        Assert.True(Contains(bytes, Encoding.UTF8.GetBytes("CP-4")), "the charger ids are in the files (the check can see rows)");
        foreach (var secret in secrets)
        {
            Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(secret)), "a secret is stored as text");
            Assert.False(Contains(bytes, Base64Url.DecodeFromChars(secret)), "a secret is stored as raw bytes");
        }
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
