using System.Buffers.Text;
using Charger.Cloud.Core;

namespace Charger.Cloud.Tests.Store;

/// <summary>What every <see cref="IChargerCredentialStore"/> adapter must do.</summary>
public abstract class ChargerCredentialStoreContractTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    protected IChargerCredentialStore Credentials { get; private set; } = null!;

    protected abstract Task<IChargerCredentialStore> CreateStoreAsync();

    protected abstract Task DestroyStoreAsync();

    public async Task InitializeAsync() => Credentials = await CreateStoreAsync();

    public Task DisposeAsync() => DestroyStoreAsync();

    [Fact]
    public async Task Enrolled_secret_is_32_random_bytes_in_base64url_and_verifies()
    {
        var secret = await Credentials.EnrolAsync("CP-1", Ct);

        Assert.Equal(ChargerSecrets.SecretBytes, Base64Url.DecodeFromChars(secret).Length);
        Assert.DoesNotContain('=', secret);
        Assert.True(await Credentials.VerifyAsync("CP-1", secret, Ct));
        Assert.NotEqual(secret, await Credentials.EnrolAsync("CP-2", Ct));
    }

    [Fact]
    public async Task Wrong_secret_or_another_chargers_secret_does_not_verify()
    {
        var secret1 = await Credentials.EnrolAsync("CP-1", Ct);
        var secret2 = await Credentials.EnrolAsync("CP-2", Ct);

        Assert.False(await Credentials.VerifyAsync("CP-1", secret2, Ct));
        Assert.False(await Credentials.VerifyAsync("CP-1", secret1 + "x", Ct));
        Assert.False(await Credentials.VerifyAsync("CP-1", string.Empty, Ct));
    }

    [Fact]
    public async Task Unknown_or_malformed_charger_does_not_verify()
    {
        var secret = await Credentials.EnrolAsync("CP-1", Ct);

        Assert.False(await Credentials.VerifyAsync("CP-9", secret, Ct));
        Assert.False(await Credentials.VerifyAsync("bad id/+", secret, Ct));
    }

    [Fact]
    public async Task Revoked_credential_no_longer_verifies_and_revoking_again_reports_nothing_revoked()
    {
        var secret = await Credentials.EnrolAsync("CP-1", Ct);

        Assert.True(await Credentials.RevokeAsync("CP-1", Ct));

        Assert.False(await Credentials.VerifyAsync("CP-1", secret, Ct));
        Assert.False(await Credentials.RevokeAsync("CP-1", Ct));
        Assert.False(await Credentials.RevokeAsync("CP-never", Ct));
    }

    [Fact]
    public async Task Enrolling_again_replaces_the_secret_and_lifts_a_revocation()
    {
        var old = await Credentials.EnrolAsync("CP-1", Ct);
        await Credentials.RevokeAsync("CP-1", Ct);

        var fresh = await Credentials.EnrolAsync("CP-1", Ct);

        Assert.True(await Credentials.VerifyAsync("CP-1", fresh, Ct));
        Assert.False(await Credentials.VerifyAsync("CP-1", old, Ct));
    }

    [Fact]
    public async Task Enrolling_a_malformed_charger_id_throws_naming_the_parameter()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Credentials.EnrolAsync("no spaces allowed", Ct));
        Assert.Equal("chargerId", ex.ParamName);
    }
}
