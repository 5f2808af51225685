using Charger.Cloud.Store;
using Charger.Cloud.Core;
using Charger.Cloud.EventHubs;
using Charger.Cloud.Hosting;
using Charger.Cloud.Mqtt;
using Charger.Cloud.Store.Sqlite;
using Charger.Cloud.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Tests.Hosting;

/// <summary><c>Cloud:Ingress=eventhubs</c> wires the Event Hubs ingress (Charger.Cloud.EventHubs) and an ack-only MQTT client
/// instead of the MQTT ingress; its behaviour is tested in Charger.Cloud.EventHubs.Tests.</summary>
public sealed class EventHubsIngressWiringTests : IDisposable
{
    private const string ConnectionString = "Endpoint=sb://fleet.invalid/;SharedAccessKeyName=listen;SharedAccessKey=dGVzdA==;EntityPath=chargers";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private WebApplication Build(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            ["Cloud:DataDirectory"] = _dir.Path,
            ["Cloud:Http:Url"] = "http://127.0.0.1:0",
            ["Broker:Port"] = "0",
        });
        builder.AddCloudStore();
        builder.AddCloudIngest();
        builder.AddCloudIngress();
        return builder.Build();
    }

    [Fact]
    public async Task Event_hubs_ingress_runs_instead_of_the_mqtt_ingress_with_acks_over_mqtt_and_checkpoints_in_the_store()
    {
        await using var app = Build(new() { ["Cloud:Ingress"] = "eventhubs", ["EventHubs:ConnectionString"] = ConnectionString });

        Assert.NotNull(app.Services.GetService<EventHubsIngress>());
        Assert.Null(app.Services.GetService<MqttIngress>());
        Assert.IsType<MqttAckPublisher>(app.Services.GetRequiredService<IAckPublisher>());
        Assert.IsType<EventHubsCheckpointStore>(app.Services.GetRequiredService<IEventHubsCheckpointStore>());
        Assert.NotNull(app.Services.GetService<EmbeddedBroker>());
        var processor = app.Services.GetRequiredService<EventHubsIngressProcessor>();
        Assert.Equal(("fleet.invalid", "chargers", "$Default"), (processor.FullyQualifiedNamespace, processor.EventHubName, processor.ConsumerGroup));
    }

    [Fact]
    public async Task Mqtt_stays_the_default_ingress()
    {
        await using var app = Build([]);

        Assert.NotNull(app.Services.GetService<MqttIngress>());
        Assert.Null(app.Services.GetService<EventHubsIngress>());
        Assert.Null(app.Services.GetService<IAckPublisher>());
    }

    [Fact]
    public async Task Event_hubs_ingress_without_a_connection_string_stops_start_up_naming_the_key()
    {
        await using var app = Build(new() { ["Cloud:Ingress"] = "eventhubs" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_ingress_stops_start_up_naming_the_key()
    {
        await using var app = Build(new() { ["Cloud:Ingress"] = "kafka" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Cloud:Ingress", error.Message, StringComparison.Ordinal);
    }
}
