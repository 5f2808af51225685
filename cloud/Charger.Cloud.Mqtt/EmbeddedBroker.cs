using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Charger.Cloud.Core;
using Charger.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Charger.Cloud.Mqtt;

/// <summary>
/// The MQTT broker that runs inside the cloud process (MQTTnet server). It authenticates chargers against
/// <see cref="IChargerCredentialStore"/> (user name = client id = charger id), lets each charger publish and subscribe only
/// to its own topics, and admits one internal receiver identity (<see cref="ReceiverUserName"/>) whose secret is
/// generated at every start and handed in memory to <see cref="MqttIngress"/>.
/// </summary>
/// <remarks>Register it with <see cref="MqttServiceCollectionExtensions.AddEmbeddedBroker"/>; after the host has started,
/// <see cref="Port"/> holds the bound port (useful with <c>Broker:Port=0</c>).</remarks>
public sealed class EmbeddedBroker : IHostedService, IAsyncDisposable
{
    /// <summary>User name of the internal receiver identity. '$' is not allowed in charger ids, so no charger can use it.</summary>
    public const string ReceiverUserName = TopicRules.ReceiverUserName;

    /// <summary>Meter of the broker: <c>charger.broker.connections</c> (clients connected now) and
    /// <c>charger.broker.refusals</c> (refused connects, publishes and subscriptions, by <c>kind</c>).</summary>
    public const string MeterName = "Charger.Cloud.Broker";

    private readonly EmbeddedBrokerOptions _options;
    private readonly IChargerCredentialStore _credentials;
    private readonly ILogger _logger;
    private readonly MqttNetLoggerBridge _mqttNetLogger;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _receiverSecretBytes;
    private readonly UpDownCounter<long>? _connections;
    private readonly Counter<long>? _refusals;
    private MqttServer? _server;
    private X509Certificate2? _certificate;

    /// <summary>Creates the broker; nothing listens until <see cref="StartAsync"/>.</summary>
    public EmbeddedBroker(IOptions<EmbeddedBrokerOptions> options, IChargerCredentialStore credentials, ILogger<EmbeddedBroker>? logger = null, IMeterFactory? meterFactory = null)
    {
        if (meterFactory is not null)
        {
            var meter = meterFactory.Create(MeterName);
            _connections = meter.CreateUpDownCounter<long>("charger.broker.connections", "{connection}", "MQTT clients connected to the embedded broker.");
            _refusals = meter.CreateCounter<long>("charger.broker.refusals", "{refusal}", "Connects, publishes and subscriptions the broker refused, by kind.");
        }

        _options = options.Value;
        _credentials = credentials;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _mqttNetLogger = new MqttNetLoggerBridge(_logger);
        ReceiverSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _receiverSecretBytes = Encoding.UTF8.GetBytes(ReceiverSecret);
    }

    /// <summary>True when <c>Broker:Enabled</c> is set.</summary>
    public bool Enabled => _options.Enabled;

    /// <summary>True between a successful start and stop.</summary>
    public bool IsRunning => _server?.IsStarted == true;

    /// <summary>The address the plain-TCP listener is bound to.</summary>
    public IPAddress BindAddress => IPAddress.Parse(_options.BindAddress);

    /// <summary>The bound plain-TCP port (the OS-chosen one when <c>Broker:Port</c> is 0); 0 until started.</summary>
    public int Port { get; private set; }

    /// <summary>The bound TLS port; null when TLS is disabled or the broker has not started.</summary>
    public int? TlsPort { get; private set; }

    /// <summary>The secret of <see cref="ReceiverUserName"/>: random, new at every start of the process, never stored.</summary>
    internal string ReceiverSecret { get; }

    /// <summary>The client id the in-process receiver uses.</summary>
    internal static string ReceiverClientId => TopicRules.ReceiverClientIdPrefix;

    /// <summary>Completes when the broker listens; faults when it is disabled or failed to start.</summary>
    public Task WaitUntilStartedAsync(CancellationToken cancellationToken) => _started.Task.WaitAsync(cancellationToken);

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            MqttLog.BrokerDisabled(_logger);
            _started.TrySetException(new InvalidOperationException("The embedded broker is disabled (Broker:Enabled=false)."));
            _ = _started.Task.Exception; // observed: nobody has to wait for a disabled broker
            return;
        }

        if (_server is not null)
        {
            throw new InvalidOperationException("The embedded broker is already started.");
        }

        var builder = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointPort(_options.Port)
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(_options.MaxPendingMessagesPerClient)
            // Dropping the newest keeps each charger's stream contiguous; the agent resends what was not acked.
            .WithPendingMessagesOverflowStrategy(MqttPendingMessagesOverflowStrategy.DropNewMessage);

        if (_options.TlsEnabled)
        {
            _certificate = LoadCertificate(_options.TlsCertificatePath!, _options.TlsCertificatePassword);
            builder = builder
                .WithEncryptedEndpoint()
                .WithEncryptedEndpointPort(_options.TlsPort)
                .WithEncryptionCertificate(_certificate);
        }

        var serverOptions = builder.Build();
        Bind(serverOptions.DefaultEndpointOptions, IPAddress.Parse(_options.BindAddress));
        if (_options.TlsEnabled)
        {
            Bind(serverOptions.TlsEndpointOptions, IPAddress.Parse(_options.TlsBindAddress ?? _options.BindAddress));
        }

        var server = new MqttServerFactory(_mqttNetLogger).CreateMqttServer(serverOptions);
        server.ValidatingConnectionAsync += OnValidatingConnectionAsync;
        server.InterceptingPublishAsync += OnInterceptingPublishAsync;
        server.InterceptingSubscriptionAsync += OnInterceptingSubscriptionAsync;
        server.ClientConnectedAsync += OnClientConnectedAsync;
        server.ClientDisconnectedAsync += OnClientDisconnectedAsync;

        try
        {
            await server.StartAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            try
            {
                await server.StopAsync().ConfigureAwait(false); // closes a listener that did bind
            }
            catch (Exception stopError) when (stopError is not OutOfMemoryException)
            {
                // the start error is the one to report
            }

            server.Dispose();
            _started.TrySetException(ex);
            _ = _started.Task.Exception;
            throw;
        }

        _server = server;
        // MQTTnet writes the OS-chosen port back into the endpoint options when port 0 was asked for.
        Port = serverOptions.DefaultEndpointOptions.Port;
        TlsPort = _options.TlsEnabled ? serverOptions.TlsEndpointOptions.Port : null;
        MqttLog.BrokerStarted(_logger, _options.BindAddress, Port,
            TlsPort is { } tls ? $"{_options.TlsBindAddress ?? _options.BindAddress}:{tls}" : "disabled");
        _started.TrySetResult();
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var server = _server;
        _server = null;
        if (server is null)
        {
            return;
        }

        try
        {
            await server.StopAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            server.Dispose();
            _certificate?.Dispose();
            _certificate = null;
            MqttLog.BrokerStopped(_logger);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    /// <summary>Binds an endpoint to exactly one address. MQTTnet listens on IPv4 and on IPv6 "any" by default:
    /// the family not asked for is switched off with <see cref="IPAddress.None"/>.</summary>
    private static void Bind(MqttServerTcpEndpointBaseOptions endpoint, IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            endpoint.BoundInterNetworkAddress = IPAddress.None;
            endpoint.BoundInterNetworkV6Address = address;
        }
        else
        {
            endpoint.BoundInterNetworkAddress = address;
            endpoint.BoundInterNetworkV6Address = IPAddress.None;
        }
    }

    private static X509Certificate2 LoadCertificate(string path, string? password)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException(
                $"Broker:TlsCertificatePath '{path}' could not be loaded with Broker:TlsCertificatePassword: {ex.Message}", ex);
        }
    }

    private async Task OnValidatingConnectionAsync(ValidatingConnectionEventArgs e)
    {
        var (code, reason) = await AuthenticateAsync(e).ConfigureAwait(false);
        e.ReasonCode = code;
        if (code != MqttConnectReasonCode.Success)
        {
            e.ReasonString = reason;
            MqttLog.ConnectionRefused(_logger, e.ClientId, e.UserName, e.RemoteEndPoint, code, reason ?? string.Empty);
            _refusals?.Add(1, new KeyValuePair<string, object?>("kind", "connect"));
        }
    }

    private async Task<(MqttConnectReasonCode Code, string? Reason)> AuthenticateAsync(ValidatingConnectionEventArgs e)
    {
        var user = e.UserName;
        var password = e.RawPassword;
        if (string.IsNullOrEmpty(user) || password is null || password.Length == 0)
        {
            return (MqttConnectReasonCode.BadUserNameOrPassword, "user name and password are required");
        }

        if (user == ReceiverUserName)
        {
            if (!TopicRules.IsReceiverClientId(e.ClientId))
            {
                return (MqttConnectReasonCode.ClientIdentifierNotValid, $"the receiver's client id must start with '{TopicRules.ReceiverClientIdPrefix}'");
            }

            return CryptographicOperations.FixedTimeEquals(password, _receiverSecretBytes)
                ? (MqttConnectReasonCode.Success, null)
                : (MqttConnectReasonCode.BadUserNameOrPassword, "wrong receiver secret");
        }

        if (!ChargerId.IsValid(user))
        {
            return (MqttConnectReasonCode.BadUserNameOrPassword, "the user name is not a charger id");
        }

        if (!string.Equals(e.ClientId, user, StringComparison.Ordinal))
        {
            return (MqttConnectReasonCode.ClientIdentifierNotValid, "the client id must equal the charger id");
        }

        bool verified;
        try
        {
            verified = await _credentials.VerifyAsync(user, Encoding.UTF8.GetString(password), e.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            MqttLog.CredentialStoreFailed(_logger, user, ex);
            return (MqttConnectReasonCode.ServerUnavailable, "credential store unavailable");
        }

        return verified
            ? (MqttConnectReasonCode.Success, null)
            : (MqttConnectReasonCode.BadUserNameOrPassword, "unknown charger or wrong secret");
    }

    private Task OnInterceptingPublishAsync(InterceptingPublishEventArgs e)
    {
        var topic = e.ApplicationMessage?.Topic;
        string? refusal;
        if (TopicRules.IsReceiverClientId(e.ClientId))
        {
            refusal = e.UserName == ReceiverUserName ? TopicRules.CheckReceiverPublish(topic) : "not the receiver identity";
        }
        else if (ChargerId.IsValid(e.ClientId) && e.UserName == e.ClientId)
        {
            refusal = TopicRules.CheckChargerPublish(e.ClientId, topic);
        }
        else
        {
            refusal = "unknown identity";
        }

        if (refusal is not null)
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            e.Response.ReasonString = refusal;
            MqttLog.PublishRefused(_logger, e.ClientId, topic, refusal);
            _refusals?.Add(1, new KeyValuePair<string, object?>("kind", "publish"));
            return Task.CompletedTask;
        }

        // Only status is retained (DESIGN.md); a retained event would be replayed to every new subscriber.
        if (e.ApplicationMessage!.Retain && !topic!.EndsWith("/status", StringComparison.Ordinal))
        {
            e.ApplicationMessage.Retain = false;
            MqttLog.RetainCleared(_logger, e.ClientId, topic);
        }

        return Task.CompletedTask;
    }

    private Task OnInterceptingSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        var filter = e.TopicFilter?.Topic;
        string? refusal;
        if (TopicRules.IsReceiverClientId(e.ClientId))
        {
            refusal = e.UserName == ReceiverUserName ? TopicRules.CheckReceiverSubscribe(filter) : "not the receiver identity";
        }
        else if (ChargerId.IsValid(e.ClientId) && e.UserName == e.ClientId)
        {
            refusal = TopicRules.CheckChargerSubscribe(e.ClientId, filter);
        }
        else
        {
            refusal = "unknown identity";
        }

        if (refusal is not null)
        {
            // ProcessSubscription=false alone would still answer "granted" in the SUBACK: set the reason code too.
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            e.ReasonString = refusal;
            MqttLog.SubscriptionRefused(_logger, e.ClientId, filter, refusal);
            _refusals?.Add(1, new KeyValuePair<string, object?>("kind", "subscribe"));
        }

        return Task.CompletedTask;
    }

    private Task OnClientConnectedAsync(ClientConnectedEventArgs e)
    {
        MqttLog.ClientConnected(_logger, e.ClientId, e.UserName, e.RemoteEndPoint);
        _connections?.Add(1);
        return Task.CompletedTask;
    }

    private Task OnClientDisconnectedAsync(ClientDisconnectedEventArgs e)
    {
        MqttLog.ClientDisconnected(_logger, e.ClientId, e.DisconnectType);
        _connections?.Add(-1);
        return Task.CompletedTask;
    }
}
