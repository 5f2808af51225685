using Charger.Agent.Core;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using Charger.Agent.EngineerConsole.Contracts;

namespace Charger.Agent.EngineerConsole;

/// <summary>The engineer's console server (section <c>Console</c>).</summary>
public sealed class ConsoleOptions : IValidatableObject
{
    public const string Section = "Console";

    /// <summary>Serve the console socket at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Path of the Unix-domain socket; default <c>&lt;Agent:DataDirectory&gt;/agent.sock</c>. On a board: <c>/run/charger-agent/agent.sock</c>.</summary>
    public string? SocketPath { get; set; }

    /// <summary>File mode of the socket (octal). 0660: only the agent's user and its service group can connect.</summary>
    [RegularExpression("^0?[0-7]{3}$", ErrorMessage = "Console:SocketMode must be an octal file mode such as 0660.")]
    public string SocketMode { get; set; } = "0660";

    /// <summary>The provisioned engineers (hashed PINs); relative paths are under the data directory.</summary>
    [Required]
    public string EngineersFile { get; set; } = "engineers.json";

    /// <summary>
    /// Technical documents cached for on-site use (manuals, wiring diagrams, repair guides), one folder per charger
    /// model: <c>&lt;DocumentsDirectory&gt;/&lt;model&gt;/</c>. Relative paths are under the data directory.
    /// </summary>
    [Required]
    public string DocumentsDirectory { get; set; } = "docs";

    /// <summary>A session ends after this long without a command.</summary>
    [TimeSpanRange("00:01:00", "1.00:00:00")]
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Failed logins (per engineer and per calling uid) before logins back off.</summary>
    [Range(1, 100)]
    public int LoginFailuresBeforeBackoff { get; set; } = 5;

    /// <summary>First back-off after <see cref="LoginFailuresBeforeBackoff"/> failures; doubles with each further failure.</summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan LoginBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest back-off.</summary>
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan LoginBackoffMax { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// A connection that sends no request for this long is closed, so one member of the console group cannot hold the
    /// connection slots by opening connections and sending nothing. agentctl opens one connection per command.
    /// </summary>
    [TimeSpanRange("00:00:05", "01:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Connections served at once; more are refused.</summary>
    [Range(1, 256)]
    public int MaxConnections { get; set; } = 16;

    /// <summary>The socket's path for an agent whose data directory is <paramref name="dataDirectory"/>.</summary>
    public string ResolveSocketPath(string dataDirectory) =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(SocketPath) ? Path.Combine(dataDirectory, ConsoleDefaults.SocketFileName) : SocketPath);

    /// <summary>The engineers file for an agent whose data directory is <paramref name="dataDirectory"/>.</summary>
    public string ResolveEngineersFile(string dataDirectory) =>
        Path.GetFullPath(Path.IsPathRooted(EngineersFile) ? EngineersFile : Path.Combine(dataDirectory, EngineersFile));

    /// <summary>The documents directory for an agent whose data directory is <paramref name="dataDirectory"/>.</summary>
    public string ResolveDocumentsDirectory(string dataDirectory) =>
        Path.GetFullPath(Path.IsPathRooted(DocumentsDirectory) ? DocumentsDirectory : Path.Combine(dataDirectory, DocumentsDirectory));

    /// <summary>The parsed <see cref="SocketMode"/>.</summary>
    public UnixFileMode ParseSocketMode() => (UnixFileMode)Convert.ToInt32(SocketMode, 8);

    /// <summary>Null when <paramref name="socketPath"/> fits in a sockaddr_un; otherwise why not, naming the key.</summary>
    public static string? CheckSocketPath(string socketPath) =>
        Encoding.UTF8.GetByteCount(socketPath) > ConsoleDefaults.MaxSocketPathBytes
            ? string.Create(CultureInfo.InvariantCulture, $"{Section}:SocketPath '{socketPath}' is longer than {ConsoleDefaults.MaxSocketPathBytes} bytes, the limit of a Unix-domain socket path.")
            : null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(SocketPath) && CheckSocketPath(Path.GetFullPath(SocketPath)) is { } error)
        {
            yield return new ValidationResult(error, [nameof(SocketPath)]);
        }

        if (LoginBackoffMax < LoginBackoff)
        {
            yield return new ValidationResult($"{Section}:LoginBackoffMax ({LoginBackoffMax}) must be at least {Section}:LoginBackoff ({LoginBackoff}).", [nameof(LoginBackoffMax)]);
        }
    }
}
