using System.Buffers;
using System.Text;
using System.Threading.Channels;
using Charger.Cloud.Core;
using Charger.Cloud.Mqtt;
using Charger.Protocol;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Charger.Cloud.Tests.Mqtt;

/// <summary>
/// A real host with the embedded broker on an ephemeral loopback port (and, optionally, the ingress), the recording
/// pipeline and the in-memory credential store. Disposing it fails the test if anything logged an error it did not expect.
/// </summary>
internal sealed class MqttTestHost : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly List<IMqttClient> _clients = [];

    private MqttTestHost(IHost host, CapturingLoggerProvider logs)
    {
        Host = host;
        Logs = logs;
        _broker = host.Services.GetService<EmbeddedBroker>();
        Ingress = host.Services.GetService<MqttIngress>();
        Pipeline = (RecordingPipeline)host.Services.GetRequiredService<IIngestPipeline>();
        Credentials = host.Services.GetRequiredService<IChargerCredentialStore>();
    }

    public IHost Host { get; }

    public CapturingLoggerProvider Logs { get; }

    private readonly EmbeddedBroker? _broker;

    /// <summary>The embedded broker; an ingress-only host (<c>withBroker: false</c>) has none.</summary>
    public EmbeddedBroker Broker => _broker ?? throw new InvalidOperationException("This host runs no embedded broker.");

    public MqttIngress? Ingress { get; }

    public RecordingPipeline Pipeline { get; }

    public IChargerCredentialStore Credentials { get; }

    /// <summary>Set by a test that provokes errors on purpose.</summary>
    public bool ErrorsExpected { get; set; }

    public static HostApplicationBuilder CreateBuilder(bool withIngress, IDictionary<string, string?>? settings, CapturingLoggerProvider logs, bool withBroker = true)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var config = new Dictionary<string, string?>
        {
            ["Broker:Port"] = "0",
            ["Ingress:ReconnectMinDelay"] = "00:00:00.050",
            ["Ingress:ReconnectMaxDelay"] = "00:00:00.200",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton<IIngestPipeline, RecordingPipeline>();
        builder.Services.AddSingleton<IChargerCredentialStore, InMemoryCredentialStore>();
        if (withBroker)
        {
            builder.Services.AddEmbeddedBroker(builder.Configuration);
        }

        if (withIngress)
        {
            builder.Services.AddMqttIngress(builder.Configuration);
        }

        return builder;
    }

    public static async Task<MqttTestHost> StartAsync(bool withIngress = true, IDictionary<string, string?>? settings = null, bool withBroker = true)
    {
        var logs = new CapturingLoggerProvider();
        var host = CreateBuilder(withIngress, settings, logs, withBroker).Build();
        await host.StartAsync().WaitAsync(Timeout);
        var env = new MqttTestHost(host, logs);
        if (env.Ingress is not null)
        {
            await env.Ingress.WaitUntilSubscribedAsync(CancellationToken.None).WaitAsync(Timeout);
        }

        return env;
    }

    public MqttClientOptionsBuilder ChargerOptions(string clientId, string? user, string? secret)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", Broker.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithTimeout(Timeout);
        if (user is not null)
        {
            builder.WithCredentials(user, secret);
        }

        return builder;
    }

    /// <summary>Connects a client and returns the CONNACK result (MQTTnet 5 does not throw on a refusal).</summary>
    public async Task<(IMqttClient Client, MqttClientConnectResult Result)> ConnectAsync(MqttClientOptionsBuilder options)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        _clients.Add(client);
        var result = await client.ConnectAsync(options.Build()).WaitAsync(Timeout);
        return (client, result);
    }

    /// <summary>Enrols a charger and connects it as an agent would.</summary>
    public async Task<ChargerClient> ConnectChargerAsync(string chargerId, Action<MqttClientOptionsBuilder>? configure = null)
    {
        var secret = await Credentials.EnrolAsync(chargerId, CancellationToken.None);
        var options = ChargerOptions(chargerId, chargerId, secret);
        configure?.Invoke(options);
        var (client, result) = await ConnectAsync(options);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return new ChargerClient(chargerId, client);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await Host.StopAsync().WaitAsync(Timeout);
        Host.Dispose();
        if (!ErrorsExpected)
        {
            var errors = Logs.Entries.Where(e => e.Level >= LogLevel.Error).ToList();
            Assert.True(errors.Count == 0, "Unexpected errors logged:\n" + string.Join("\n", errors.Select(e => $"{e.Category} {e.EventId}: {e.Message} {e.Exception}")));
        }
    }

    public static byte[] Event(string chargerId, long seq) =>
        Envelope.Create(chargerId, seq, DateTimeOffset.UtcNow, EventTypes.Boot,
            new BootData { Reason = "power-on", AgentVersion = "1.0.0" }, ProtocolJsonContext.Default.BootData).ToUtf8Json();
}

/// <summary>An agent-side MQTT client with what it received.</summary>
internal sealed class ChargerClient
{
    private readonly Channel<MqttApplicationMessage> _received = Channel.CreateUnbounded<MqttApplicationMessage>();

    public ChargerClient(string chargerId, IMqttClient client)
    {
        ChargerId = chargerId;
        Client = client;
        client.ApplicationMessageReceivedAsync += e =>
        {
            _received.Writer.TryWrite(e.ApplicationMessage);
            return Task.CompletedTask;
        };
    }

    public string ChargerId { get; }

    public IMqttClient Client { get; }

    public async Task<MqttClientSubscribeResult> SubscribeAsync(params string[] filters)
    {
        var builder = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in filters)
        {
            builder.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        return await Client.SubscribeAsync(builder.Build()).WaitAsync(MqttTestHost.Timeout);
    }

    public async Task<MqttClientPublishResult> PublishAsync(string topic, byte[] payload, bool retain = false) =>
        await Client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build()).WaitAsync(MqttTestHost.Timeout);

    public Task<MqttClientPublishResult> PublishEventAsync(long seq) => PublishAsync(Topics.Events(ChargerId), MqttTestHost.Event(ChargerId, seq));

    public Task<MqttClientPublishResult> PublishStatusAsync(string status) => PublishAsync(Topics.Status(ChargerId), Encoding.UTF8.GetBytes(status), retain: true);

    public async Task<MqttApplicationMessage> NextMessageAsync() =>
        await _received.Reader.ReadAsync().AsTask().WaitAsync(MqttTestHost.Timeout);

    public async Task<long> NextAckAsync()
    {
        var message = await NextMessageAsync();
        Assert.Equal(Topics.Ack(ChargerId), message.Topic);
        var ack = System.Text.Json.JsonSerializer.Deserialize(message.Payload.ToArray(), ProtocolJsonContext.Default.AckMessage);
        Assert.NotNull(ack);
        return ack.UpTo;
    }
}
