using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Charger.Agentctl;

/// <summary>A session token kept between agentctl runs, for one socket.</summary>
public sealed record StoredSession(string Socket, string Engineer, string Token, DateTimeOffset ExpiresAt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StoredSession))]
internal sealed partial class SessionJsonContext : JsonSerializerContext;

/// <summary>
/// Keeps the session token of each agent socket in <c>&lt;state dir&gt;/sessions/&lt;hash of the socket path&gt;.json</c>,
/// the directory 0700 and the file 0600, so only the engineer's own account can read it.
/// </summary>
public sealed class SessionFile(string stateDirectory)
{
    private string Directory => Path.Combine(stateDirectory, "sessions");

    public string PathFor(string socket)
    {
        var full = Path.GetFullPath(socket);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full)))[..16];
        return Path.Combine(Directory, hash + ".json");
    }

    public StoredSession? Load(string socket)
    {
        var path = PathFor(socket);
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), SessionJsonContext.Default.StoredSession) : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Save(StoredSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        System.IO.Directory.CreateDirectory(stateDirectory);
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var path = PathFor(session.Socket);
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, session with { Socket = Path.GetFullPath(session.Socket) }, SessionJsonContext.Default.StoredSession);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, path, overwrite: true);
    }

    public void Delete(string socket) => File.Delete(PathFor(socket));
}
