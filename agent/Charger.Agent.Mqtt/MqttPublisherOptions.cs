using Charger.Agent.Core;
using System.ComponentModel.DataAnnotations;

namespace Charger.Agent.Mqtt;

/// <summary>How the agent reaches the broker (section <c>Mqtt</c>).</summary>
public sealed class MqttPublisherOptions : IValidatableObject
{
    public const string Section = "Mqtt";

    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>MQTT username; defaults to the charger id.</summary>
    public string? Username { get; set; }

    /// <summary>The charger's secret issued by <c>charger-cloud enrol</c>. Or use <see cref="PasswordFile"/>.</summary>
    public string? Password { get; set; }

    /// <summary>A file holding the secret (e.g. a systemd credential); read at start.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>Use TLS (production).</summary>
    public bool UseTls { get; set; }

    /// <summary>CA certificate (PEM) that signs the broker's certificate; the system store when empty.</summary>
    public string? CaFile { get; set; }

    /// <summary>Client certificate (PEM) and key (PEM) for mutual TLS.</summary>
    public string? ClientCertificateFile { get; set; }

    public string? ClientKeyFile { get; set; }

    [TimeSpanRange("00:00:05", "00:10:00")]
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the broker keeps this charger's session (queued acks) while it is away.</summary>
    [TimeSpanRange("00:00:00", "30.00:00:00")]
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromDays(1);

    [TimeSpanRange("00:00:00.050", "00:10:00")]
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    [TimeSpanRange("00:00:00.050", "01:00:00")]
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Events sent but not yet acknowledged by the cloud, at most.</summary>
    [Range(1, 100_000)]
    public int MaxInFlight { get; set; } = 500;

    /// <summary>Without ack progress for this long, unacknowledged events are sent again.</summary>
    [TimeSpanRange("00:00:00.100", "01:00:00")]
    public TimeSpan ResendAfter { get; set; } = TimeSpan.FromSeconds(20);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(Password) && string.IsNullOrEmpty(PasswordFile) && string.IsNullOrEmpty(ClientCertificateFile))
        {
            yield return new ValidationResult(
                $"{Section}:Password or {Section}:PasswordFile (the secret from 'charger-cloud enrol'), or {Section}:ClientCertificateFile (mutual TLS, 'charger-cloud ca charger') is required.",
                [nameof(Password)]);
        }

        if (!string.IsNullOrEmpty(ClientCertificateFile) && !UseTls)
        {
            yield return new ValidationResult($"{Section}:ClientCertificateFile needs {Section}:UseTls=true.", [nameof(UseTls)]);
        }

        if (ReconnectMaxDelay < ReconnectMinDelay)
        {
            yield return new ValidationResult($"{Section}:ReconnectMaxDelay must be >= {Section}:ReconnectMinDelay.", [nameof(ReconnectMaxDelay)]);
        }

        if (string.IsNullOrEmpty(ClientCertificateFile) != string.IsNullOrEmpty(ClientKeyFile))
        {
            yield return new ValidationResult($"{Section}:ClientCertificateFile and {Section}:ClientKeyFile go together.", [nameof(ClientCertificateFile)]);
        }
    }

    /// <summary>The secret, from <see cref="Password"/> or <see cref="PasswordFile"/>; null when neither holds one (mutual TLS:
    /// the installer leaves the credential file empty).</summary>
    public string? ResolvePassword() =>
        !string.IsNullOrEmpty(Password) ? Password
        : !string.IsNullOrEmpty(PasswordFile) && File.ReadAllText(PasswordFile).Trim() is { Length: > 0 } secret ? secret
        : null;
}
