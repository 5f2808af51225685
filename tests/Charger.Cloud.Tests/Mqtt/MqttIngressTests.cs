using Charger.Protocol;
using MQTTnet.Protocol;

namespace Charger.Cloud.Tests.Mqtt;

public sealed class MqttIngressTests
{
    [Fact]
    public async Task Event_reaches_the_pipeline_and_the_charger_receives_the_cumulative_ack()
    {
        await using var env = await MqttTestHost.StartAsync();
        var charger = await env.ConnectChargerAsync("CP-0001");
        await charger.SubscribeAsync(Topics.Ack("CP-0001"));

        var published = await charger.PublishEventAsync(1);

        Assert.True(published.IsSuccess);
        var received = await env.Pipeline.NextEventAsync();
        Assert.Equal(Topics.Events("CP-0001"), received.Topic);
        Assert.Equal(1, received.Envelope.Seq);
        var ack = await charger.NextMessageAsync();
        Assert.Equal(Topics.Ack("CP-0001"), ack.Topic);
        Assert.Equal("""{"upTo":1}""", System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(ack.Payload)));
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, ack.QualityOfServiceLevel);
        Assert.False(ack.Retain);
    }

    [Fact]
    public async Task Events_of_one_charger_reach_the_pipeline_in_publish_order()
    {
        await using var env = await MqttTestHost.StartAsync();
        var charger = await env.ConnectChargerAsync("CP-0001");
        await charger.SubscribeAsync(Topics.Ack("CP-0001"));

        for (var seq = 1; seq <= 20; seq++)
        {
            await charger.PublishEventAsync(seq);
        }

        var seqs = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            seqs.Add((await env.Pipeline.NextEventAsync()).Envelope.Seq);
        }

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), seqs);

        // One cumulative ack per charger per batch: however the 20 were batched, the acks rise to 20.
        var acks = new List<long>();
        while (acks.Count == 0 || acks[^1] < 20)
        {
            acks.Add(await charger.NextAckAsync());
        }

        Assert.Equal(acks.Order(), acks);
        Assert.Equal(acks.Count, acks.Distinct().Count());
    }

    [Fact]
    public async Task Pipeline_failure_does_not_stop_the_ingress_and_the_event_is_redelivered_after_reconnect()
    {
        await using var env = await MqttTestHost.StartAsync();
        env.ErrorsExpected = true;
        var charger = await env.ConnectChargerAsync("CP-0001");
        await charger.SubscribeAsync(Topics.Ack("CP-0001"));
        env.Pipeline.FailNext = 1;

        await charger.PublishEventAsync(1);

        var failed = await env.Pipeline.NextEventAsync();
        Assert.True(failed.Threw);
        await env.Logs.WaitForAsync(3058, "ev/v1/CP-0001/events");
        var redelivered = await env.Pipeline.NextEventAsync();
        Assert.False(redelivered.Threw);
        Assert.Equal(failed.Payload, redelivered.Payload);
        Assert.Equal(1, await charger.NextAckAsync());

        // Still running: the next event goes through the new connection.
        await charger.PublishEventAsync(2);
        Assert.Equal(2, (await env.Pipeline.NextEventAsync()).Envelope.Seq);
        Assert.Equal(2, await charger.NextAckAsync());
        Assert.All(env.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error), e => Assert.Equal(3058, e.EventId.Id));
    }

    [Fact]
    public async Task Events_published_while_the_ingress_is_stopped_are_delivered_in_order_when_it_restarts()
    {
        await using var env = await MqttTestHost.StartAsync();
        var charger = await env.ConnectChargerAsync("CP-0001");
        await charger.SubscribeAsync(Topics.Ack("CP-0001"));
        var ingress = env.Ingress!;

        await ingress.StopAsync(CancellationToken.None).WaitAsync(MqttTestHost.Timeout);
        Assert.False(ingress.IsConnected);
        for (var seq = 1; seq <= 3; seq++)
        {
            Assert.True((await charger.PublishEventAsync(seq)).IsSuccess);
        }

        Assert.Empty(env.Pipeline.Events);
        await ingress.StartAsync(CancellationToken.None);
        await env.Logs.WaitForAsync(3051, "session present: True");

        for (var seq = 1; seq <= 3; seq++)
        {
            Assert.Equal(seq, (await env.Pipeline.NextEventAsync()).Envelope.Seq);
        }

        // Queued together, they are usually handled as one batch: one cumulative ack, rising to 3.
        var ack = 0L;
        while (ack < 3)
        {
            var next = await charger.NextAckAsync();
            Assert.True(next > ack);
            ack = next;
        }
    }
}

public sealed class MqttIngressExternalBrokerTests
{
    [Fact]
    public async Task Ingress_connects_to_an_external_broker_over_tls_trusting_a_ca_file()
    {
        // The "external" broker is a second host's embedded broker with a TLS listener; the ingress host has no broker
        // of its own and is configured only through the Ingress section, as it would be for mosquitto.
        using var certificate = TestCertificates.CreateSelfSigned("localhost");
        var directory = Directory.CreateTempSubdirectory("mqtt-ext-");
        try
        {
            var pfx = Path.Combine(directory.FullName, "broker.pfx");
            var ca = Path.Combine(directory.FullName, "ca.pem");
            await File.WriteAllBytesAsync(pfx, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "pfx-secret"));
            await File.WriteAllTextAsync(ca, certificate.ExportCertificatePem());
            await using var broker = await MqttTestHost.StartAsync(withIngress: false, new Dictionary<string, string?>
            {
                ["Broker:TlsEnabled"] = "true",
                ["Broker:TlsPort"] = "0",
                ["Broker:TlsCertificatePath"] = pfx,
                ["Broker:TlsCertificatePassword"] = "pfx-secret",
            });
            await using var receiver = await MqttTestHost.StartAsync(withIngress: true, new Dictionary<string, string?>
            {
                ["Ingress:Host"] = "127.0.0.1",
                ["Ingress:Port"] = broker.Broker.TlsPort!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Ingress:UseTls"] = "true",
                ["Ingress:TlsCaFile"] = ca,
                ["Ingress:TlsTargetHost"] = "localhost",
                ["Ingress:Username"] = Charger.Cloud.Mqtt.EmbeddedBroker.ReceiverUserName,
                ["Ingress:Password"] = broker.Broker.ReceiverSecret,
                ["Ingress:ClientId"] = "$receiver-external",
            }, withBroker: false);
            var charger = await broker.ConnectChargerAsync("CP-0001");
            await charger.SubscribeAsync(Topics.Ack("CP-0001"));

            await charger.PublishEventAsync(1);

            Assert.Equal(1, (await receiver.Pipeline.NextEventAsync()).Envelope.Seq);
            Assert.Equal(1, await charger.NextAckAsync());
            Assert.Empty(broker.Pipeline.Events);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
