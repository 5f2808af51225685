using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Charger.Protocol;
using MQTTnet;
using MQTTnet.Protocol;

namespace Charger.Cloud.Mqtt;

/// <summary>
/// How the receiver's MQTT clients reach their broker, from <see cref="MqttIngressOptions"/>: the embedded broker with the
/// internal identity, or an external broker with credentials and TLS. Shared by <see cref="MqttIngress"/> and
/// <see cref="MqttAckPublisher"/>; the TLS files are loaded once, on the first connection, and kept for the reconnects.
/// </summary>
internal sealed class MqttBrokerClientOptions(MqttIngressOptions options, EmbeddedBroker? broker) : IDisposable
{
    private X509Certificate2Collection? _trustChain;
    private X509Certificate2? _clientCertificate;

    /// <summary>
    /// The options of one connection. <paramref name="embeddedClientId"/> and <paramref name="externalClientId"/> are the
    /// client ids used when <c>Ingress:ClientId</c> is not set.
    /// </summary>
    public (string Host, int Port, MqttClientOptions Options) Build(bool cleanStart, uint sessionExpirySeconds, string embeddedClientId, string externalClientId)
    {
        string host;
        int port;
        string clientId;
        var builder = new MqttClientOptionsBuilder()
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(cleanStart)
            .WithSessionExpiryInterval(sessionExpirySeconds)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(options.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(options.ConnectTimeoutSeconds));

        if (options.UsesEmbeddedBroker)
        {
            var embedded = broker ?? throw new InvalidOperationException("No embedded broker is registered.");
            var bind = embedded.BindAddress;
            host = bind.Equals(System.Net.IPAddress.Any) ? "127.0.0.1"
                : bind.Equals(System.Net.IPAddress.IPv6Any) ? "::1"
                : bind.ToString();
            port = embedded.Port;
            clientId = options.ClientId ?? embeddedClientId;
            builder.WithCredentials(EmbeddedBroker.ReceiverUserName, embedded.ReceiverSecret);
        }
        else
        {
            host = options.Host!;
            port = options.Port ?? (options.UseTls ? 8883 : 1883);
            clientId = options.ClientId ?? externalClientId;
            if (options.Username is not null)
            {
                builder.WithCredentials(options.Username, options.Password);
            }

            if (options.UseTls)
            {
                builder.WithTlsOptions(ConfigureTls);
            }
        }

        builder.WithTcpServer(host, port).WithClientId(clientId);
        return (host, port, builder.Build());
    }

    /// <summary>The cloud's cumulative ack to a charger: <c>{"upTo":N}</c> on <c>ev/v1/{id}/ack</c>, QoS 1, not retained.</summary>
    public static MqttApplicationMessage Ack(string chargerId, long upTo) =>
        new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Ack(chargerId))
            .WithPayload(JsonSerializer.SerializeToUtf8Bytes(new AckMessage(upTo), ProtocolJsonContext.Default.AckMessage))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(false)
            .WithContentType("application/json")
            .Build();

    private void ConfigureTls(MqttClientTlsOptionsBuilder tls)
    {
        tls.UseTls()
            .WithTargetHost(options.TlsTargetHost ?? options.Host)
            .WithRevocationMode(options.TlsCheckRevocation ? X509RevocationMode.Online : X509RevocationMode.NoCheck);

        // Loaded once, on the first connection attempt, and kept for the reconnects.
        if (options.TlsCaFile is not null)
        {
            _trustChain ??= LoadTrustChain(options.TlsCaFile);
            tls.WithTrustChain(_trustChain);
        }

        if (options.TlsClientCertificatePath is not null)
        {
            _clientCertificate ??= X509CertificateLoader.LoadPkcs12FromFile(options.TlsClientCertificatePath, options.TlsClientCertificatePassword);
            tls.WithClientCertificates([_clientCertificate]);
        }
    }

    private static X509Certificate2Collection LoadTrustChain(string pemFile)
    {
        var trust = new X509Certificate2Collection();
        trust.ImportFromPemFile(pemFile);
        return trust.Count > 0 ? trust : throw new InvalidOperationException($"Ingress:TlsCaFile '{pemFile}' holds no certificate.");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _clientCertificate?.Dispose();
        if (_trustChain is not null)
        {
            foreach (var certificate in _trustChain)
            {
                certificate.Dispose();
            }
        }
    }
}
