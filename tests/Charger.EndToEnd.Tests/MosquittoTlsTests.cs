using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Charger.Agent;
using Charger.Agent.Board;
using Charger.Agent.Core.Diagnostics;
using Charger.Agent.Core.Journal;
using Charger.Agent.Mqtt;
using Charger.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Charger.EndToEnd.Tests;

/// <summary>
/// mosquitto with the deploy configuration (deploy/mosquitto: mutual TLS, CN = user name, per-charger ACLs) and a fleet
/// CA made by <c>charger-cloud ca</c>; the receiver is charger-cloud connecting as <c>$receiver</c> on a shared
/// subscription. Only paths and the port are substituted in the configuration, and `user root` added so the broker, run
/// as root here, does not switch to a `mosquitto` user that cannot read the test's files.
/// </summary>
public sealed class MosquittoTlsTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly string _dir = Repo.TempDir("mosquitto-tls");
    private MosquittoProcess _mosquitto = null!;
    private CloudProcess _cloud = null!;

    private string Pki(string path) => Path.Combine(_dir, path);

    private static async Task CaAsync(params string[] args)
    {
        var (code, output) = await DeployTests.RunAsync("dotnet", [Repo.CloudDll, "ca", .. args]);
        Assert.True(code == 0, $"charger-cloud ca {string.Join(' ', args)}: exit {code}\n{output}");
    }

    public async Task InitializeAsync()
    {
        var port = Repo.FreePort();
        await CaAsync("init", "--dir", Pki("ca"));
        await CaAsync("server", "--dir", Pki("ca"), "--out", Pki("broker"), "--dns", "localhost", "--ip", "127.0.0.1");
        await CaAsync("receiver", "--dir", Pki("ca"), "--out", Pki("receiver"));
        foreach (var id in new[] { "CP-TLS-1", "CP-TLS-2" })
        {
            await CaAsync("charger", id, "--dir", Pki("ca"), "--out", Pki(id), "--broker", $"127.0.0.1:{port}");
        }

        File.Copy(Path.Combine(Repo.Root, "deploy/mosquitto/charger-fleet.acl"), Pki("broker/charger-fleet.acl"));
        Directory.CreateDirectory(Pki("broker/data"));
        var config = (await File.ReadAllTextAsync(Path.Combine(Repo.Root, "deploy/mosquitto/charger-fleet.conf")))
            .Replace("/etc/mosquitto/charger-fleet/", Pki("broker") + "/", StringComparison.Ordinal)
            .Replace("persistence_location /var/lib/mosquitto/", $"persistence_location {Pki("broker/data")}/", StringComparison.Ordinal)
            .Replace("listener 8883", $"listener {port} 127.0.0.1", StringComparison.Ordinal)
            + "\nuser root\nlog_dest stderr\n";
        _mosquitto = new MosquittoProcess(Pki("broker"), port, config);
        await _mosquitto.StartAsync();

        _cloud = new CloudProcess(Pki("cloud"), externalBrokerPort: port)
        {
            ExtraArgs =
            [
                "--Ingress:UseTls=true", $"--Ingress:TlsCaFile={Pki("receiver/ca.pem")}", $"--Ingress:TlsClientCertificatePath={Pki("receiver/receiver.pfx")}",
                "--Ingress:TlsTargetHost=localhost", "--Ingress:ClientId=receiver-1", "--Ingress:SharedSubscriptionGroup=receivers",
            ],
        };
        await _cloud.StartAsync();
        await Eventually.TrueAsync(async () => (await _cloud.GetJsonAsync("/healthz")).GetProperty("ingress").GetString() == "subscribed", Wait,
            () => "the receiver never subscribed at mosquitto\n" + _cloud.Output);
    }

    public async Task DisposeAsync()
    {
        await _cloud.DisposeAsync();
        _mosquitto.Dispose();
    }

    private MqttClientOptionsBuilder ClientOptions(string clientId, string? certificateOf)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _mosquitto.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithTlsOptions(o =>
            {
                o.UseTls();
                o.WithTrustChain([X509Certificate2.CreateFromPem(File.ReadAllText(Pki("ca/ca.pem")))]);
                if (certificateOf is not null)
                {
                    o.WithClientCertificates([X509Certificate2.CreateFromPemFile(Pki($"{certificateOf}/client.pem"), Pki($"{certificateOf}/client.key"))]);
                }
            });
        return builder;
    }

    [Fact]
    public async Task A_charger_with_its_certificate_publishes_and_its_events_are_stored_and_acknowledged()
    {
        var mqtt = InProcessAgent.Mqtt(_mosquitto.Port, secret: null);
        (mqtt.UseTls, mqtt.CaFile, mqtt.ClientCertificateFile, mqtt.ClientKeyFile) = (true, Pki("CP-TLS-1/ca.pem"), Pki("CP-TLS-1/client.pem"), Pki("CP-TLS-1/client.key"));
        var (runtime, board) = InProcessAgent.Create("CP-TLS-1", Pki("agent"), mqtt, new DiagnosticsOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        using var stop = new CancellationTokenSource();
        var run = runtime.RunAsync(stop.Token);
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(runtime.Journal.Stats is { LastSeq: > 1 } s && s.AckedUpTo == s.LastSeq), Wait,
                () => $"events over mutual TLS never acknowledged: {runtime.Journal.Stats}\n{_mosquitto.Output}\n{_cloud.Output}");
            var events = await _cloud.AllEventsAsync("CP-TLS-1");
            Assert.Equal("boot", events[0].GetProperty("type").GetString());
            Assert.Equal(runtime.Journal.Stats.LastSeq, events.Count);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
            await runtime.DisposeAsync();
            board.Dispose();
        }
    }

    [Fact]
    public async Task A_client_without_a_certificate_or_with_one_from_another_ca_cannot_connect()
    {
        using var anonymous = new MqttClientFactory().CreateMqttClient();
        await Assert.ThrowsAnyAsync<Exception>(() => anonymous.ConnectAsync(ClientOptions("CP-TLS-1", certificateOf: null).Build()));

        await CaAsync("init", "--dir", Pki("rogue-ca"));
        await CaAsync("charger", "CP-TLS-1", "--dir", Pki("rogue-ca"), "--out", Pki("rogue"), "--broker", $"127.0.0.1:{_mosquitto.Port}");
        using var rogue = new MqttClientFactory().CreateMqttClient();
        await Assert.ThrowsAnyAsync<Exception>(() => rogue.ConnectAsync(ClientOptions("CP-TLS-1", certificateOf: "rogue").Build()));
        Assert.False(rogue.IsConnected);
    }

    private static MqttApplicationMessage Event(string chargerId, string reason) =>
        new MqttApplicationMessageBuilder().WithTopic(Topics.Events(chargerId)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithPayload(Envelope.Create(chargerId, 1, DateTimeOffset.UtcNow, EventTypes.Boot, new BootData { Reason = reason, AgentVersion = "1" }, ProtocolJsonContext.Default.BootData).ToUtf8Json())
            .Build();

    private async Task<(IMqttClient Client, System.Collections.Concurrent.ConcurrentQueue<string> Topics, SemaphoreSlim Received)> ConnectAsync(string chargerId)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var topics = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var received = new SemaphoreSlim(0);
        client.ApplicationMessageReceivedAsync += e =>
        {
            topics.Enqueue(e.ApplicationMessage.Topic);
            received.Release();
            return Task.CompletedTask;
        };
        var connected = await client.ConnectAsync(ClientOptions(chargerId, certificateOf: chargerId).Build());
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        return (client, topics, received);
    }

    [Fact]
    public async Task A_charger_cannot_write_or_read_another_chargers_topics_and_nothing_reaches_the_store()
    {
        var (two, twoTopics, twoReceived) = await ConnectAsync("CP-TLS-2");
        var (one, _, oneReceived) = await ConnectAsync("CP-TLS-1");
        using var _two = two;
        using var _one = one;
        await two.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Topics.Ack("CP-TLS-1"), MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(Topics.Ack("CP-TLS-2"), MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await one.SubscribeAsync(Topics.Ack("CP-TLS-1"), MqttQualityOfServiceLevel.AtLeastOnce);

        // Writing under another charger's id is refused by the broker.
        var forged = await two.PublishAsync(Event("CP-TLS-1", "forged"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);

        // CP-TLS-1's own event is stored and acknowledged to CP-TLS-1...
        Assert.Equal(MqttClientPublishReasonCode.Success, (await one.PublishAsync(Event("CP-TLS-1", "power-on"))).ReasonCode);
        Assert.True(await oneReceived.WaitAsync(Wait), "CP-TLS-1 never got its ack\n" + _cloud.Output);

        // ...and, though mosquitto grants the subscription, its ack is never delivered to CP-TLS-2 (read ACL at delivery).
        // CP-TLS-2's own round trip after it shows the broker has passed that point.
        Assert.Equal(MqttClientPublishReasonCode.Success, (await two.PublishAsync(Event("CP-TLS-2", "power-on"))).ReasonCode);
        Assert.True(await twoReceived.WaitAsync(Wait), "CP-TLS-2 never got its own ack\n" + _cloud.Output);
        Assert.Equal(new[] { Topics.Ack("CP-TLS-2") }, twoTopics.ToArray());

        var stored = Assert.Single(await _cloud.AllEventsAsync("CP-TLS-1"));
        Assert.Equal("power-on", stored.GetProperty("data").GetProperty("reason").GetString());
        Assert.Empty((await _cloud.GetJsonAsync("/api/v1/dead-letters")).EnumerateArray());
    }
}
