using Charger.Cloud.Store;
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

namespace Charger.Cloud.EventHubs.Tests.Support;

/// <summary>
/// A receiver host with one ingress adapter in front of the real pipeline and a real SQLite store, and the embedded broker
/// (port 0) the agents connect to for their acks. <see cref="SendAsync"/> is how a charger's message reaches the adapter.
/// </summary>
internal abstract class IngressUnderTest : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly List<IMqttClient> _clients = [];

    protected IngressUnderTest(IHost host, CloudDatabase database)
    {
        Host = host;
        Database = database;
        Broker = host.Services.GetRequiredService<EmbeddedBroker>();
    }

    public IHost Host { get; }

    public CloudDatabase Database { get; }

    public EmbeddedBroker Broker { get; }

    public EventStore Events => Database.Events;

    /// <summary>A host with the SQLite store, the real pipeline and the embedded broker; <paramref name="addIngress"/> adds the adapter.</summary>
    protected static async Task<IHost> StartHostAsync(CloudDatabase database, Action<IServiceCollection, IConfiguration> addIngress)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var settings = new Dictionary<string, string?>(database.HostSettings)
        {
            ["Broker:Port"] = "0",
            ["Ingress:ReconnectMinDelay"] = "00:00:00.050",
            ["Ingress:ReconnectMaxDelay"] = "00:00:00.200",
        };
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Warning);
        database.AddStore(builder.Services);
        builder.Services.AddIngestPipeline();
        builder.Services.AddEmbeddedBroker(builder.Configuration);
        addIngress(builder.Services, builder.Configuration);
        var host = builder.Build();
        await host.StartAsync().WaitAsync(Timeout);
        return host;
    }

    /// <summary>Delivers <paramref name="payload"/> published by charger <paramref name="chargerId"/> on <paramref name="topic"/> to the adapter.</summary>
    public abstract Task SendAsync(AgentClient from, string topic, byte[] payload);

    /// <summary>Enrols <paramref name="chargerId"/>, connects it to the embedded broker as an agent and subscribes to its acks.</summary>
    public async Task<AgentClient> ConnectAgentAsync(string chargerId)
    {
        var secret = await Host.Services.GetRequiredService<IChargerCredentialStore>().EnrolAsync(chargerId, CancellationToken.None);
        var client = new MqttClientFactory().CreateMqttClient();
        _clients.Add(client);
        var agent = new AgentClient(chargerId, client);
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", Broker.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(chargerId)
            .WithCredentials(chargerId, secret)
            .WithTimeout(Timeout)
            .Build()).WaitAsync(Timeout);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Topics.Ack(chargerId), MqttQualityOfServiceLevel.AtLeastOnce).Build()).WaitAsync(Timeout);
        return agent;
    }

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await Host.StopAsync().WaitAsync(Timeout);
        Host.Dispose();
        await Database.DisposeAsync();
    }
}

/// <summary>An agent's MQTT connection: publishes as its charger and receives its acks.</summary>
internal sealed class AgentClient
{
    private readonly Channel<long> _acks = Channel.CreateUnbounded<long>();

    public AgentClient(string chargerId, IMqttClient client)
    {
        ChargerId = chargerId;
        Client = client;
        client.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == Topics.Ack(chargerId))
            {
                var ack = System.Text.Json.JsonSerializer.Deserialize(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload), ProtocolJsonContext.Default.AckMessage);
                _acks.Writer.TryWrite(ack!.UpTo);
            }

            return Task.CompletedTask;
        };
    }

    public string ChargerId { get; }

    public IMqttClient Client { get; }

    /// <summary>The next ack's <c>upTo</c>.</summary>
    public async Task<long> NextAckAsync() => await _acks.Reader.ReadAsync().AsTask().WaitAsync(IngressUnderTest.Timeout);
}

/// <summary>The MQTT adapter: the agent publishes to the embedded broker, <see cref="MqttIngress"/> receives and acks.</summary>
internal sealed class MqttIngressUnderTest : IngressUnderTest
{
    private MqttIngressUnderTest(IHost host, CloudDatabase database)
        : base(host, database)
    {
    }

    public static async Task<IngressUnderTest> StartAsync(CloudDatabase database)
    {
        var host = await StartHostAsync(database, (services, configuration) => services.AddMqttIngress(configuration));
        await host.Services.GetRequiredService<MqttIngress>().WaitUntilSubscribedAsync(CancellationToken.None).WaitAsync(Timeout);
        return new MqttIngressUnderTest(host, database);
    }

    public override async Task SendAsync(AgentClient from, string topic, byte[] payload)
    {
        var result = await from.Client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build()).WaitAsync(Timeout);
        Assert.True(result.IsSuccess, $"publish refused: {result.ReasonCode}");
    }
}

/// <summary>
/// The Event Hubs adapter: the charger's message arrives as an event of partition 0 (topic in <c>mqtt-topic</c>, as a
/// bridge from the broker puts it) and goes through the processor's batch handler; the acks go out over MQTT through
/// <see cref="MqttAckPublisher"/> to the embedded broker.
/// </summary>
internal sealed class EventHubsIngressUnderTest : IngressUnderTest
{
    private readonly TestProcessor _processor;
    private long _sequenceNumber;

    private EventHubsIngressUnderTest(IHost host, CloudDatabase database)
        : base(host, database)
    {
        var services = host.Services;
        _processor = new TestProcessor(TestProcessor.Options("receiver-eh"), services.GetRequiredService<IEventHubsCheckpointStore>(),
            services.GetRequiredService<IIngestPipeline>(), services.GetRequiredService<IAckPublisher>());
    }

    public static async Task<IngressUnderTest> StartAsync(CloudDatabase database)
    {
        var host = await StartHostAsync(database, (services, configuration) => services.AddMqttAckPublisher(configuration));
        await host.Services.GetRequiredService<MqttAckPublisher>().WaitUntilConnectedAsync(CancellationToken.None).WaitAsync(Timeout);
        return new EventHubsIngressUnderTest(host, database);
    }

    public override Task SendAsync(AgentClient from, string topic, byte[] payload) =>
        _processor.ProcessAsync("0", [HubEvents.Mqtt(Interlocked.Increment(ref _sequenceNumber), topic, payload)]);
}
