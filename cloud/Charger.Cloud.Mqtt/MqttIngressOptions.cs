using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Mqtt;

/// <summary>
/// Settings of the MQTT ingress (the receiver's MQTT client), bound from the configuration section <c>Ingress</c>
/// (see <see cref="SectionName"/>). With <see cref="Host"/> unset it connects to the embedded broker with the internal
/// receiver identity and ignores <see cref="Username"/>/<see cref="Password"/>.
/// </summary>
public sealed class MqttIngressOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Ingress";

    /// <summary><c>Ingress:Host</c>. Host name or IP of an external broker (mosquitto, EMQX...). Null (default) = the embedded broker.</summary>
    public string? Host { get; set; }

    /// <summary><c>Ingress:Port</c>. Port of the external broker; null = 8883 with TLS, 1883 without. Ignored for the embedded
    /// broker (its bound port is used).</summary>
    [Range(1, 65535)]
    public int? Port { get; set; }

    /// <summary><c>Ingress:Username</c> for the external broker.</summary>
    public string? Username { get; set; }

    /// <summary><c>Ingress:Password</c> for the external broker (pass it as an environment variable or secret, not in a file).</summary>
    public string? Password { get; set; }

    /// <summary><c>Ingress:ClientId</c>. Must be stable (the persistent session is keyed by it) and unique per receiver
    /// instance. Null = <c>$receiver</c> for the embedded broker, <c>charger-cloud-receiver-{machine name}</c> otherwise.</summary>
    [StringLength(128, MinimumLength = 1)]
    public string? ClientId { get; set; }

    /// <summary><c>Ingress:SharedSubscriptionGroup</c>. Null (default) = plain subscriptions. Set (e.g. <c>receivers</c>) to
    /// subscribe <c>$share/{group}/ev/v1/+/events</c> so several receivers split the load on an external broker. The
    /// embedded broker does not support shared subscriptions.</summary>
    [RegularExpression("^[^/+#]{1,64}$")]
    public string? SharedSubscriptionGroup { get; set; }

    /// <summary><c>Ingress:SessionExpirySeconds</c>. How long the broker keeps the receiver's session (and queues QoS 1 events)
    /// while it is disconnected; 0..4294967295. Default 86400 (one day) for a lone receiver, and 0 with a
    /// <see cref="SharedSubscriptionGroup"/>: a broker routes a shared subscription's messages to members whose session
    /// lives on even while they are down (mosquitto does), so a dead receiver would hold part of the stream until it came
    /// back; with 0 the others take it all at once, and the agents resend what the dead one had not acknowledged.</summary>
    [Range(0L, uint.MaxValue)]
    public long? SessionExpirySeconds { get; set; }

    /// <summary>The session expiry in effect (see <see cref="SessionExpirySeconds"/>).</summary>
    public uint EffectiveSessionExpirySeconds => (uint)(SessionExpirySeconds ?? (SharedSubscriptionGroup is null ? 86_400 : 0));

    /// <summary><c>Ingress:KeepAliveSeconds</c>. MQTT keep-alive. Default 30; 5..3600.</summary>
    [Range(5, 3600)]
    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary><c>Ingress:ConnectTimeoutSeconds</c>. Timeout of one connection attempt. Default 10; 1..300.</summary>
    [Range(1, 300)]
    public int ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary><c>Ingress:ReconnectMinDelay</c>. First back-off after a lost connection or a failed message. Default 00:00:01.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary><c>Ingress:ReconnectMaxDelay</c>. Back-off ceiling; each delay is jittered to 50-100 %. Default 00:00:30.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>Ingress:BatchMaxMessages</c>. Most messages handled (stored in one transaction, then acknowledged) as one
    /// batch. Default 500; 1..10000 (1 = one transaction per message). A broker that limits the receiver's unacknowledged
    /// messages caps it too: the messages of a batch are all unacknowledged until it commits (mosquitto sends an MQTT 5
    /// client up to the receive maximum it asks for, 65535 with MQTTnet, whatever its <c>max_inflight_messages</c>).</summary>
    [Range(1, 10_000)]
    public int BatchMaxMessages { get; set; } = 500;

    /// <summary><c>Ingress:BatchMaxDelayMilliseconds</c>. How long a batch waits, from its first message, for more to arrive
    /// before it is stored, when fewer than <see cref="BatchMaxMessages"/> are already queued. Default 2; 0..1000 (0: take only
    /// what has arrived; under load, messages still gather while the previous batch commits). Adds up to this much to
    /// the latency of a lone event.</summary>
    [Range(0, 1000)]
    public int BatchMaxDelayMilliseconds { get; set; } = 2;

    /// <summary><c>Ingress:UseTls</c>. TLS to the external broker. Default false.</summary>
    public bool UseTls { get; set; }

    /// <summary><c>Ingress:TlsCaFile</c>. PEM file of the CA(s) that sign the broker's certificate; null = the system trust store.</summary>
    public string? TlsCaFile { get; set; }

    /// <summary><c>Ingress:TlsClientCertificatePath</c>. PKCS#12 (.pfx) client certificate, for brokers that require one.</summary>
    public string? TlsClientCertificatePath { get; set; }

    /// <summary><c>Ingress:TlsClientCertificatePassword</c>. Password of the client .pfx.</summary>
    public string? TlsClientCertificatePassword { get; set; }

    /// <summary><c>Ingress:TlsTargetHost</c>. Name expected in the broker's certificate; null = <see cref="Host"/>.</summary>
    public string? TlsTargetHost { get; set; }

    /// <summary><c>Ingress:TlsCheckRevocation</c>. Check the broker certificate's revocation online. Default false (private CAs
    /// rarely publish revocation lists reachable from the receiver).</summary>
    public bool TlsCheckRevocation { get; set; }

    /// <summary>True when the ingress targets the embedded broker.</summary>
    internal bool UsesEmbeddedBroker => string.IsNullOrWhiteSpace(Host);
}

/// <summary>Cross-field checks of <see cref="MqttIngressOptions"/>, including against the embedded broker's settings.</summary>
internal sealed class MqttIngressOptionsValidator(IOptions<EmbeddedBrokerOptions>? brokerOptions, bool embeddedBrokerRegistered)
    : IValidateOptions<MqttIngressOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttIngressOptions options)
    {
        var failures = new List<string>();
        if (options.ReconnectMaxDelay < options.ReconnectMinDelay)
        {
            failures.Add("Ingress:ReconnectMaxDelay must not be less than Ingress:ReconnectMinDelay.");
        }

        if (options.UsesEmbeddedBroker)
        {
            if (!embeddedBrokerRegistered || brokerOptions?.Value.Enabled != true)
            {
                failures.Add("Ingress:Host is required when the embedded broker is not enabled (Broker:Enabled=false).");
            }

            if (options.SharedSubscriptionGroup is not null)
            {
                failures.Add("Ingress:SharedSubscriptionGroup needs an external broker (Ingress:Host): the embedded broker does not support $share.");
            }

            if (options.ClientId is not null && !TopicRules.IsReceiverClientId(options.ClientId))
            {
                failures.Add($"Ingress:ClientId must start with '{TopicRules.ReceiverClientIdPrefix}' when the ingress connects to the embedded broker.");
            }

            if (options.UseTls)
            {
                failures.Add("Ingress:UseTls applies to an external broker (Ingress:Host); the in-process ingress uses the embedded broker's loopback listener.");
            }
        }
        else
        {
            if (options.TlsCaFile is not null && !File.Exists(options.TlsCaFile))
            {
                failures.Add($"Ingress:TlsCaFile '{options.TlsCaFile}' does not exist.");
            }

            if (options.TlsClientCertificatePath is not null && !File.Exists(options.TlsClientCertificatePath))
            {
                failures.Add($"Ingress:TlsClientCertificatePath '{options.TlsClientCertificatePath}' does not exist.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
