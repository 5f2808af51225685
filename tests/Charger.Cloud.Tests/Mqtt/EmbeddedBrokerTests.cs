using System.Net;
using System.Net.Sockets;
using System.Text;
using Charger.Cloud.Mqtt;
using Charger.Protocol;
using MQTTnet;
using MQTTnet.Protocol;

namespace Charger.Cloud.Tests.Mqtt;

public sealed class EmbeddedBrokerTests
{
    [Fact]
    public async Task Charger_with_its_enrolled_secret_connects()
    {
        await using var env = await MqttTestHost.StartAsync(withIngress: false);

        var charger = await env.ConnectChargerAsync("CP-0001");

        Assert.True(charger.Client.IsConnected);
        await env.Logs.WaitForAsync(3003, "CP-0001");
    }

    [Fact]
    public async Task Charger_with_a_wrong_secret_is_refused_as_bad_user_name_or_password()
    {
        await using var env = await MqttTestHost.StartAsync(withIngress: false);
        await env.Credentials.EnrolAsync("CP-0001", CancellationToken.None);

        var (client, result) = await env.ConnectAsync(env.ChargerOptions("CP-0001", "CP-0001", "not-the-secret"));

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
        Assert.False(client.IsConnected);
        await env.Logs.WaitForAsync(3005, "CP-0001");
    }

    [Fact]
    public async Task Unknown_charger_is_refused_as_bad_user_name_or_password()
    {
        await using var env = await MqttTestHost.StartAsync(withIngress: false);

        var (_, result) = await env.ConnectAsync(env.ChargerOptions("CP-9999", "CP-9999", "anything"));

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
    }

    [Fact]
    public async Task Client_without_credentials_is_refused()
    {
        await using var env = await MqttTestHost.StartAsync(withIngress: false);

        var (_, result) = await env.ConnectAsync(env.ChargerOptions("CP-0001", user: null, secret: null));

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
    }

    [Fact]
    public async Task Client_id_that_differs_from_the_charger_id_is_refused()
    {
        await using var env = await MqttTestHost.StartAsync(withIngress: false);
        var secret = await env.Credentials.EnrolAsync("CP-0001", CancellationToken.None);

        var (_, result) = await env.ConnectAsync(env.ChargerOptions("CP-0002", "CP-0001", secret));

        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, result.ResultCode);
    }

    [Fact]
    public async Task Receiver_identity_with_a_guessed_secret_is_refused()
    {
        await using var env = await MqttTestHost.StartAsync(withIngress: false);

        var (_, result) = await env.ConnectAsync(env.ChargerOptions("$receiver", EmbeddedBroker.ReceiverUserName, "guess"));

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
    }

    [Fact]
    public async Task Receiver_secret_is_new_at_every_start()
    {
        await using var first = await MqttTestHost.StartAsync(withIngress: false);
        await using var second = await MqttTestHost.StartAsync(withIngress: false);

        Assert.NotEqual(first.Broker.ReceiverSecret, second.Broker.ReceiverSecret);
        var (_, result) = await second.ConnectAsync(second.ChargerOptions("$receiver", EmbeddedBroker.ReceiverUserName, first.Broker.ReceiverSecret));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
    }

    [Fact]
    public async Task Charger_publishing_to_another_chargers_events_is_refused_and_nothing_reaches_the_pipeline()
    {
        await using var env = await MqttTestHost.StartAsync();
        var intruder = await env.ConnectChargerAsync("CP-0001");

        var refused = await intruder.PublishAsync(Topics.Events("CP-0002"), MqttTestHost.Event("CP-0002", 1));
        // A legitimate event published after it: once it arrives, the refused one would have arrived before it.
        var accepted = await intruder.PublishEventAsync(1);
        var first = await env.Pipeline.NextEventAsync();

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, refused.ReasonCode);
        Assert.False(refused.IsSuccess);
        Assert.True(accepted.IsSuccess);
        Assert.Equal(Topics.Events("CP-0001"), first.Topic);
        Assert.Single(env.Pipeline.Events);
        await env.Logs.WaitForAsync(3007, "ev/v1/CP-0002/events");
    }

    [Theory]
    [InlineData("ev/v1/CP-0002/events")]
    [InlineData("ev/v1/CP-0002/status")]
    [InlineData("ev/v1/CP-0001/ack")]
    [InlineData("ev/v1/CP-0001/cmd/reboot")]
    [InlineData("ev/v1/CP-0001/unknown")]
    [InlineData("somewhere/else")]
    public async Task Charger_may_not_publish_outside_its_own_agent_to_cloud_topics(string topic)
    {
        await using var env = await MqttTestHost.StartAsync(withIngress: false);
        var charger = await env.ConnectChargerAsync("CP-0001");

        var result = await charger.PublishAsync(topic, "{}"u8.ToArray());

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);
    }

    [Theory]
    [InlineData("events")]
    [InlineData("telemetry")]
    [InlineData("status")]
    [InlineData("cmd-result")]
    public async Task Charger_may_publish_its_own_agent_to_cloud_topics(string kind)
    {
        await using var env = await MqttTestHost.StartAsync(withIngress: false);
        var charger = await env.ConnectChargerAsync("CP-0001");

        var result = await charger.PublishAsync($"ev/v1/CP-0001/{kind}", "{}"u8.ToArray());

        Assert.True(result.IsSuccess, result.ReasonCode.ToString());
    }

    [Fact]
    public async Task Charger_cannot_subscribe_to_another_chargers_ack_but_may_to_its_own_ack_and_commands()
    {
        await using var env = await MqttTestHost.StartAsync(withIngress: false);
        var charger = await env.ConnectChargerAsync("CP-0001");

        var result = await charger.SubscribeAsync("ev/v1/CP-0002/ack", "ev/v1/+/events", "#", "ev/v1/CP-0001/ack", "ev/v1/CP-0001/cmd/#");

        Assert.Equal(
            [MqttClientSubscribeResultCode.NotAuthorized, MqttClientSubscribeResultCode.NotAuthorized, MqttClientSubscribeResultCode.NotAuthorized,
             MqttClientSubscribeResultCode.GrantedQoS1, MqttClientSubscribeResultCode.GrantedQoS1],
            result.Items.Select(i => i.ResultCode));
        await env.Logs.WaitForAsync(3008, "ev/v1/CP-0002/ack");
    }

    [Fact]
    public async Task Receiver_identity_sends_commands_to_a_charger_but_cannot_forge_its_events()
    {
        await using var env = await MqttTestHost.StartAsync(withIngress: false);
        var charger = await env.ConnectChargerAsync("CP-0001");
        await charger.SubscribeAsync("ev/v1/CP-0001/cmd/#");
        var (receiver, connected) = await env.ConnectAsync(env.ChargerOptions("$receiver-test", EmbeddedBroker.ReceiverUserName, env.Broker.ReceiverSecret));
        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);

        var command = await receiver.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Command("CP-0001", "diagnostics")).WithPayload("{}").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var forged = await receiver.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Events("CP-0001")).WithPayload("{}").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        Assert.True(command.IsSuccess);
        Assert.Equal("ev/v1/CP-0001/cmd/diagnostics", (await charger.NextMessageAsync()).Topic);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
    }

    [Fact]
    public async Task Status_online_and_the_last_will_offline_reach_the_pipeline()
    {
        await using var env = await MqttTestHost.StartAsync();
        var charger = await env.ConnectChargerAsync("CP-0001", o => o
            .WithWillTopic(Topics.Status("CP-0001")).WithWillPayload(Topics.Offline).WithWillRetain()
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));

        await charger.PublishStatusAsync(Topics.Online);
        Assert.Equal(("CP-0001", true), await env.Pipeline.NextStatusAsync());

        // Dropping the connection without DISCONNECT (a charger losing power) makes the broker publish the will.
        charger.Client.Dispose();
        Assert.Equal(("CP-0001", false), await env.Pipeline.NextStatusAsync());
    }

    [Fact]
    public async Task Last_will_on_another_chargers_status_is_refused()
    {
        await using var env = await MqttTestHost.StartAsync();
        var charger = await env.ConnectChargerAsync("CP-0001", o => o
            .WithWillTopic(Topics.Status("CP-0002")).WithWillPayload(Topics.Offline).WithWillRetain()
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));

        charger.Client.Dispose();

        // The will passes the publish interceptor like any message; the refusal is logged before anything is queued.
        await env.Logs.WaitForAsync(3007, "ev/v1/CP-0002/status");
        Assert.DoesNotContain(env.Pipeline.Statuses, s => s.ChargerId == "CP-0002");
    }

    [Fact]
    public async Task Retain_flag_is_kept_only_on_status()
    {
        await using var env = await MqttTestHost.StartAsync(withIngress: false);
        var charger = await env.ConnectChargerAsync("CP-0001");

        await charger.PublishAsync(Topics.Events("CP-0001"), MqttTestHost.Event("CP-0001", 1), retain: true);
        await charger.PublishStatusAsync(Topics.Online);
        await env.Logs.WaitForAsync(3009, "ev/v1/CP-0001/events");

        var (receiver, _) = await env.ConnectAsync(env.ChargerOptions("$receiver-test", EmbeddedBroker.ReceiverUserName, env.Broker.ReceiverSecret));
        var retained = new List<string>();
        var statusSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.ApplicationMessageReceivedAsync += e =>
        {
            lock (retained)
            {
                retained.Add(e.ApplicationMessage.Topic);
            }

            if (e.ApplicationMessage.Topic.EndsWith("/status", StringComparison.Ordinal))
            {
                statusSeen.TrySetResult();
            }

            return Task.CompletedTask;
        };
        // Events first, then status: the session's queue is FIFO, so a retained event would arrive before the retained status.
        await receiver.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Topics.AllEvents).Build());
        await receiver.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(Topics.AllStatus).Build());
        await statusSeen.Task.WaitAsync(MqttTestHost.Timeout);

        lock (retained)
        {
            Assert.Equal([Topics.Status("CP-0001")], retained);
        }
    }

    [Fact]
    public async Task Broker_listens_only_on_the_configured_address()
    {
        await using var env = await MqttTestHost.StartAsync(withIngress: false);

        using var v4 = new TcpClient();
        await v4.ConnectAsync(IPAddress.Loopback, env.Broker.Port).WaitAsync(MqttTestHost.Timeout);
        using var v6 = new TcpClient(AddressFamily.InterNetworkV6);
        // MQTTnet would also listen on [::]:port unless told otherwise.
        await Assert.ThrowsAsync<SocketException>(() => v6.ConnectAsync(IPAddress.IPv6Loopback, env.Broker.Port).WaitAsync(MqttTestHost.Timeout));
    }

    [Fact]
    public async Task Tls_endpoint_accepts_a_charger_that_trusts_the_broker_certificate()
    {
        using var certificate = TestCertificates.CreateSelfSigned("localhost");
        var directory = Directory.CreateTempSubdirectory("mqtt-tls-");
        try
        {
            var pfx = Path.Combine(directory.FullName, "broker.pfx");
            await File.WriteAllBytesAsync(pfx, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "pfx-secret"));
            await using var env = await MqttTestHost.StartAsync(withIngress: false, new Dictionary<string, string?>
            {
                ["Broker:TlsEnabled"] = "true",
                ["Broker:TlsPort"] = "0",
                ["Broker:TlsCertificatePath"] = pfx,
                ["Broker:TlsCertificatePassword"] = "pfx-secret",
            });
            var secret = await env.Credentials.EnrolAsync("CP-0001", CancellationToken.None);
            Assert.NotNull(env.Broker.TlsPort);
            Assert.NotEqual(env.Broker.Port, env.Broker.TlsPort);

            var options = new MqttClientOptionsBuilder()
                .WithTcpServer("127.0.0.1", env.Broker.TlsPort)
                .WithClientId("CP-0001")
                .WithCredentials("CP-0001", secret)
                .WithTlsOptions(t => t.UseTls().WithTargetHost("localhost")
                    .WithTrustChain([System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificate.RawData)])
                    .WithRevocationMode(System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck));
            var (_, result) = await env.ConnectAsync(options);

            Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
