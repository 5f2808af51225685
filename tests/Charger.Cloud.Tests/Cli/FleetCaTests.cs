using System.Net;
using System.Security.Cryptography.X509Certificates;
using Charger.Cloud.Cli;
using Charger.Cloud.Pki;
using Charger.Cloud.Tests.Support;

namespace Charger.Cloud.Tests.Cli;

/// <summary><c>charger-cloud ca</c>: the fleet CA and what it issues, checked with .NET's own chain building.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FleetCaTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<(int Code, string Err)> RunAsync(params string[] args)
    {
        var err = new StringWriter();
        var code = await FleetCaCli.RunAsync(["ca", .. args], new StringWriter(), err, TimeProvider.System);
        return (code, err.ToString());
    }

    private static X509Chain Chain(X509Certificate2 ca)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain;
    }

    [Fact]
    public async Task A_charger_bundle_holds_a_client_certificate_named_after_the_charger_that_chains_to_the_ca_and_loads_with_its_key()
    {
        Assert.Equal(0, (await RunAsync("init", "--dir", _dir.File("ca"))).Code);
        var (code, err) = await RunAsync("charger", "CP-0007", "--dir", _dir.File("ca"), "--out", _dir.File("bundle"), "--broker", "mqtt.example.com:8883");

        Assert.True(code == 0, err);
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(_dir.File("bundle/ca.pem")));
        using var client = X509Certificate2.CreateFromPemFile(_dir.File("bundle/client.pem"), _dir.File("bundle/client.key"));
        Assert.True(client.HasPrivateKey);
        Assert.Equal("CN=CP-0007", client.Subject);
        Assert.Contains(client.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>(), o => o.Value == "1.3.6.1.5.5.7.3.2");
        using var chain = Chain(ca);
        Assert.True(chain.Build(client), string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(_dir.File("bundle/client.key")));
        Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(_dir.File("ca/ca.key")));
        Assert.Contains("\"ClientCertificateFile\"", await File.ReadAllTextAsync(_dir.File("bundle/agent.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_broker_certificate_names_its_hosts_and_the_receiver_is_the_dollar_receiver_identity()
    {
        await RunAsync("init", "--dir", _dir.File("ca"));
        Assert.Equal(0, (await RunAsync("server", "--dir", _dir.File("ca"), "--out", _dir.File("broker"), "--dns", "mqtt.example.com", "--ip", "127.0.0.1")).Code);
        Assert.Equal(0, (await RunAsync("receiver", "--dir", _dir.File("ca"), "--out", _dir.File("receiver"))).Code);

        using var server = X509Certificate2.CreateFromPemFile(_dir.File("broker/server.pem"), _dir.File("broker/server.key"));
        Assert.True(server.MatchesHostname("mqtt.example.com"));
        Assert.True(server.MatchesHostname("127.0.0.1"));
        Assert.False(server.MatchesHostname("evil.example.com"));
        using var receiver = X509CertificateLoader.LoadPkcs12FromFile(_dir.File("receiver/receiver.pfx"), null);
        Assert.Equal("CN=" + FleetCa.ReceiverCommonName, receiver.Subject);
        Assert.True(receiver.HasPrivateKey);
    }

    [Theory]
    [InlineData("charger", "CP 7", "valid charger id")]
    [InlineData("charger", "CP-7", "--broker")]
    [InlineData("server", null, "--dns or --ip")]
    [InlineData("frobnicate", null, "Unknown ca verb")]
    public async Task Bad_usage_is_exit_2_with_a_clear_message(string verb, string? id, string expected)
    {
        await RunAsync("init", "--dir", _dir.File("ca"));
        string[] args = id is null ? [verb, "--dir", _dir.File("ca"), "--out", _dir.File("out")] : [verb, id, "--dir", _dir.File("ca"), "--out", _dir.File("out")];

        var (code, err) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.Contains(expected, err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.File("out")));
    }

    [Fact]
    public async Task An_existing_ca_is_never_overwritten()
    {
        await RunAsync("init", "--dir", _dir.File("ca"));
        var before = await File.ReadAllTextAsync(_dir.File("ca/ca.key"));

        var (code, err) = await RunAsync("init", "--dir", _dir.File("ca"));

        Assert.Equal(1, code);
        Assert.Contains("already exists", err, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(_dir.File("ca/ca.key")));
    }
}
