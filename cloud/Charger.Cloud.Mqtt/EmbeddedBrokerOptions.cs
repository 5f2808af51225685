using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Mqtt;

/// <summary>
/// Settings of the embedded MQTT broker, bound from the configuration section <c>Broker</c>
/// (see <see cref="SectionName"/>). Every setting has a default; a bad value stops start-up with a message naming its key.
/// </summary>
public sealed class EmbeddedBrokerOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Broker";

    /// <summary><c>Broker:Enabled</c>. Runs the broker inside the cloud process. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>Broker:BindAddress</c>. IP address of the plain-TCP listener. Default 127.0.0.1 (loopback only).</summary>
    [Required]
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary><c>Broker:Port</c>. Port of the plain-TCP listener, 0 = ephemeral (read the bound port from
    /// <see cref="EmbeddedBroker.Port"/>). Default 1883.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary><c>Broker:MaxPendingMessagesPerClient</c>. Messages queued for one client (connected or in a persistent
    /// session) before new ones are dropped. It bounds the receiver's queue while the receiver is down; agents resend what
    /// the cloud has not acknowledged, so a drop delays an event, never loses it. Default 100000, range 10..10000000.</summary>
    [Range(10, 10_000_000)]
    public int MaxPendingMessagesPerClient { get; set; } = 100_000;

    /// <summary><c>Broker:TlsEnabled</c>. Opens a second, TLS listener. Default false (demo); enable it in production.</summary>
    public bool TlsEnabled { get; set; }

    /// <summary><c>Broker:TlsBindAddress</c>. IP address of the TLS listener; null = <see cref="BindAddress"/>.</summary>
    public string? TlsBindAddress { get; set; }

    /// <summary><c>Broker:TlsPort</c>. Port of the TLS listener, 0 = ephemeral. Default 8883.</summary>
    [Range(0, 65535)]
    public int TlsPort { get; set; } = 8883;

    /// <summary><c>Broker:TlsCertificatePath</c>. PKCS#12 (.pfx) file with the server certificate and its private key.
    /// Required when <see cref="TlsEnabled"/>.</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary><c>Broker:TlsCertificatePassword</c>. Password of the .pfx file; null when it has none.</summary>
    public string? TlsCertificatePassword { get; set; }
}

/// <summary>Cross-field checks of <see cref="EmbeddedBrokerOptions"/> that data annotations cannot express.</summary>
internal sealed class EmbeddedBrokerOptionsValidator : IValidateOptions<EmbeddedBrokerOptions>
{
    public ValidateOptionsResult Validate(string? name, EmbeddedBrokerOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (!IPAddress.TryParse(options.BindAddress, out _))
        {
            failures.Add($"Broker:BindAddress '{options.BindAddress}' is not an IP address.");
        }

        if (options.TlsEnabled)
        {
            if (options.TlsBindAddress is not null && !IPAddress.TryParse(options.TlsBindAddress, out _))
            {
                failures.Add($"Broker:TlsBindAddress '{options.TlsBindAddress}' is not an IP address.");
            }

            if (string.IsNullOrWhiteSpace(options.TlsCertificatePath))
            {
                failures.Add("Broker:TlsCertificatePath is required when Broker:TlsEnabled is true.");
            }
            else if (!File.Exists(options.TlsCertificatePath))
            {
                failures.Add($"Broker:TlsCertificatePath '{options.TlsCertificatePath}' does not exist.");
            }

            if (options.Port != 0 && options.TlsPort == options.Port && (options.TlsBindAddress ?? options.BindAddress) == options.BindAddress)
            {
                failures.Add($"Broker:TlsPort {options.TlsPort} is the same as Broker:Port.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
