using System.Buffers;
using Charger.Cloud.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Tests.Mqtt;

public sealed class MqttOptionsTests
{
    private static async Task<string> StartupFailureAsync(bool withIngress, Dictionary<string, string?> settings)
    {
        using var host = MqttTestHost.CreateBuilder(withIngress, settings, new CapturingLoggerProvider()).Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(MqttTestHost.Timeout));
        return error.Message;
    }

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var broker = new EmbeddedBrokerOptions();
        var ingress = new MqttIngressOptions();

        Assert.True(broker.Enabled);
        Assert.Equal("127.0.0.1", broker.BindAddress);
        Assert.Equal(1883, broker.Port);
        Assert.False(broker.TlsEnabled);
        Assert.Equal(8883, broker.TlsPort);
        Assert.Equal(100_000, broker.MaxPendingMessagesPerClient);
        Assert.Null(ingress.Host);
        Assert.Null(ingress.SharedSubscriptionGroup);
        Assert.Equal(86_400u, ingress.EffectiveSessionExpirySeconds);
        Assert.Equal(TimeSpan.FromSeconds(1), ingress.ReconnectMinDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), ingress.ReconnectMaxDelay);
    }

    [Fact]
    public async Task Broker_port_out_of_range_stops_start_up_naming_the_setting()
    {
        var message = await StartupFailureAsync(false, new() { ["Broker:Port"] = "70000" });

        Assert.Contains("Port", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bind_address_that_is_not_an_ip_stops_start_up()
    {
        var message = await StartupFailureAsync(false, new() { ["Broker:BindAddress"] = "localhost" });

        Assert.Contains("Broker:BindAddress", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_without_a_certificate_stops_start_up()
    {
        var message = await StartupFailureAsync(false, new() { ["Broker:TlsEnabled"] = "true" });

        Assert.Contains("Broker:TlsCertificatePath", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shared_subscription_against_the_embedded_broker_stops_start_up()
    {
        var message = await StartupFailureAsync(true, new() { ["Ingress:SharedSubscriptionGroup"] = "receivers" });

        Assert.Contains("Ingress:SharedSubscriptionGroup", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingress_without_a_host_and_with_the_embedded_broker_disabled_stops_start_up()
    {
        var message = await StartupFailureAsync(true, new() { ["Broker:Enabled"] = "false" });

        Assert.Contains("Ingress:Host", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabled_broker_does_not_listen()
    {
        await using var env = await MqttTestHost.StartAsync(withIngress: false, new Dictionary<string, string?> { ["Broker:Enabled"] = "false" });

        Assert.False(env.Broker.IsRunning);
        Assert.Equal(0, env.Broker.Port);
        await env.Logs.WaitForAsync(3001);
    }

    [Theory]
    [InlineData("online", true)]
    [InlineData("offline", false)]
    [InlineData("Online", null)]
    [InlineData("", null)]
    [InlineData("onlineX", null)]
    public void Status_payload_is_online_or_offline(string payload, bool? expected)
    {
        Assert.Equal(expected, MqttIngress.ParseStatus(new ReadOnlySequence<byte>(System.Text.Encoding.UTF8.GetBytes(payload))));
    }
}
