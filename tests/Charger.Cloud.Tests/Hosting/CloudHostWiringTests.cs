using System.Buffers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Charger.Cloud.Core;
using Charger.Cloud.Mqtt;
using Charger.Cloud.Tests.Api;
using Charger.Cloud.Tests.Support;
using Charger.Protocol;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;

namespace Charger.Cloud.Tests.Hosting;

/// <summary>The host wires store, pipeline and the MQTT ingress together.</summary>
public sealed class CloudHostWiringTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void With_mqtt_disabled_no_broker_or_ingress_is_registered()
    {
        using var factory = new CloudApiFactory();
        _ = factory.Server;

        Assert.Null(factory.Services.GetService<EmbeddedBroker>());
        Assert.Null(factory.Services.GetService<MqttIngress>());
    }

    [Fact]
    public async Task Event_published_by_an_enrolled_charger_is_stored_acknowledged_and_shown_by_the_api()
    {
        using var factory = new CloudApiFactory();
        factory.Settings["Cloud:EnableMqtt"] = "true";
        factory.Settings["Broker:Port"] = "0";
        using var http = factory.CreateAuthenticatedClient();
        using var timeout = new CancellationTokenSource(Timeout);
        var ct = timeout.Token;
        var broker = factory.Services.GetRequiredService<EmbeddedBroker>();
        await broker.WaitUntilStartedAsync(ct);
        await factory.Services.GetRequiredService<MqttIngress>().WaitUntilSubscribedAsync(ct);
        var secret = await factory.Services.GetRequiredService<IChargerCredentialStore>().EnrolAsync("CP-mqtt", ct);

        using var client = new MqttClientFactory().CreateMqttClient();
        var ack = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            ack.TrySetResult(Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
        var connected = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", broker.Port)
            .WithClientId("CP-mqtt")
            .WithCredentials("CP-mqtt", secret)
            .Build(), ct);
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Topics.Ack("CP-mqtt"), MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);

        await client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Events("CP-mqtt"))
            .WithPayload(Events.Boot("CP-mqtt", 1).ToUtf8Json())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), ct);

        Assert.Equal("""{"upTo":1}""", await ack.Task.WaitAsync(ct));
        var charger = await http.GetFromJsonAsync<JsonElement>("/api/v1/chargers/CP-mqtt", ct);
        Assert.Equal(1, charger.GetProperty("appliedSeq").GetInt64());
        Assert.Equal("1.2.3", charger.GetProperty("agentVersion").GetString());
        await client.DisconnectAsync(cancellationToken: ct);
    }
}
