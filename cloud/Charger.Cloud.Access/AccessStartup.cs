using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Charger.Cloud.Access.Data;
using Charger.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Access;

/// <summary>Files the access area keeps in the data directory.</summary>
public static class AccessFiles
{
    /// <summary>The first-run administrator's credential (<c>user=</c> and <c>password=</c> lines), mode 0600.</summary>
    public const string AdminCredential = "admin-credential";

    /// <summary>The generated personal-data key (base64), mode 0600, used only when <c>Access:PersonalDataKey</c> is not set.</summary>
    public const string PersonalDataKey = "personal-data.key";

    /// <summary>The first-run administrator's login name.</summary>
    public const string AdminUserId = "admin";

    internal const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Reads the user id and password of a credential file written on first run.</summary>
    public static (string UserId, string Password) ReadCredential(string path)
    {
        string? user = null, password = null;
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.StartsWith("user=", StringComparison.Ordinal))
            {
                user = line["user=".Length..];
            }
            else if (line.StartsWith("password=", StringComparison.Ordinal))
            {
                password = line["password=".Length..];
            }
        }

        return (user ?? throw new InvalidDataException($"{path} has no user= line"), password ?? throw new InvalidDataException($"{path} has no password= line"));
    }

    /// <summary>Writes <paramref name="content"/> to a new file readable and writable by the owner only (0600 from creation).</summary>
    internal static void WriteOwnerOnly(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        using var stream = new FileStream(path, options);
        stream.Write(Encoding.UTF8.GetBytes(content));
        stream.Flush(flushToDisk: true);
    }
}

/// <summary>Loads the personal-data keyring: the configured key, else the generated file in the data directory (created on first use).</summary>
internal static class PersonalDataKeyLoader
{
    public static PersonalDataKeyring Load(AccessOptions options, ILogger logger)
    {
        var previous = options.PreviousPersonalDataKeys.Select(k => PersonalDataKeyring.TryDecodeKey(k, out var key) ? key : []).Where(k => k.Length == 32);
        if (!string.IsNullOrWhiteSpace(options.PersonalDataKey))
        {
            if (!PersonalDataKeyring.TryDecodeKey(options.PersonalDataKey, out var configured))
            {
                throw new OptionsValidationException(nameof(AccessOptions.PersonalDataKey), typeof(AccessOptions),
                    [$"{AccessOptions.SectionName}:{nameof(AccessOptions.PersonalDataKey)} must be 32 bytes (256 bits) in base64."]);
            }

            return new PersonalDataKeyring(configured, previous);
        }

        Directory.CreateDirectory(options.DataDirectory);
        var path = Path.Combine(options.DataDirectory, AccessFiles.PersonalDataKey);
        if (File.Exists(path))
        {
            AccessLog.PersonalDataKeyFromFile(logger, path);
        }
        else
        {
            // Written whole under a temporary name, then linked into place only if no other receiver got there first.
            var temp = $"{path}.{Guid.NewGuid():N}.tmp";
            AccessFiles.WriteOwnerOnly(temp, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n");
            try
            {
                File.Move(temp, path, overwrite: false);
                AccessLog.PersonalDataKeyGenerated(logger, path);
            }
            catch (IOException) when (File.Exists(path))
            {
                AccessLog.PersonalDataKeyFromFile(logger, path);
            }
            finally
            {
                File.Delete(temp);
            }
        }

        if (!PersonalDataKeyring.TryDecodeKey(File.ReadAllText(path), out var key))
        {
            throw new InvalidOperationException(
                $"{path} does not hold a 32-byte base64 key; restore it from the backup or set {AccessOptions.SectionName}:{nameof(AccessOptions.PersonalDataKey)}.");
        }

        return new PersonalDataKeyring(key, previous);
    }
}

/// <summary>
/// At start-up, after the area's migrations: checks that every key the customers' data was written with is configured,
/// and on a first run (no users) creates the administrator with a generated password, written to
/// <c>{Cloud:DataDirectory}/admin-credential</c> (0600); its path, never the password, is logged. Receivers starting together
/// create it once: the user is inserted in a transaction, and only the receiver whose insert commits moves its file into place.
/// </summary>
internal sealed class AccessStartup : IHostedService
{
    private readonly UserStore _users;
    private readonly PersonalDataKeyring _keyring;
    private readonly IDomainDbFactory<AccessDb> _db;
    private readonly IOptions<AccessOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AccessStartup> _logger;

    public AccessStartup(UserStore users, PersonalDataKeyring keyring, IDomainDbFactory<AccessDb> db, IOptions<AccessOptions> options, TimeProvider time, ILogger<AccessStartup> logger)
    {
        _users = users;
        _keyring = keyring;
        _db = db;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await CheckKeysAsync(cancellationToken);
        await EnsureAdminAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task CheckKeysAsync(CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        var used = await db.Customers.Select(c => c.KeyId).Distinct().ToListAsync(cancellationToken);
        var missing = used.Where(id => !_keyring.KeyIds.Contains(id)).ToList();
        if (missing.Count > 0)
        {
            throw new OptionsValidationException(nameof(AccessOptions.PersonalDataKey), typeof(AccessOptions),
            [
                $"Customers' personal data was written with key id(s) {string.Join(", ", missing)}, which {AccessOptions.SectionName}:{nameof(AccessOptions.PersonalDataKey)} " +
                $"and {AccessOptions.SectionName}:{nameof(AccessOptions.PreviousPersonalDataKeys)} do not hold (the current key's id is {_keyring.CurrentKeyId}). Configure the key the data was written with.",
            ]);
        }
    }

    private async Task EnsureAdminAsync(CancellationToken cancellationToken)
    {
        var directory = _options.Value.DataDirectory;
        var path = Path.Combine(directory, AccessFiles.AdminCredential);
        if (await _users.AnyAsync(cancellationToken))
        {
            if (File.Exists(path))
            {
                AccessLog.CredentialFileStillPresent(_logger, path);
            }

            return;
        }

        Directory.CreateDirectory(directory);
        var password = UserStore.GeneratePassword();
        var temp = Path.Combine(directory, $"{AccessFiles.AdminCredential}.{Guid.NewGuid():N}.tmp");
        var content =
            "# charger-cloud first-run administrator, created " + _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) + ".\n" +
            "# Sign in (POST /api/v1/auth/login {\"userId\":\"admin\",\"password\":\"...\"}), change the password\n" +
            "# (POST /api/v1/auth/password) or create named administrators and disable this one, then delete this file.\n" +
            $"user={AccessFiles.AdminUserId}\npassword={password}\n";
        AccessFiles.WriteOwnerOnly(temp, content);
        try
        {
            if (await _users.TryCreateFirstAdminAsync(AccessFiles.AdminUserId, password, cancellationToken))
            {
                File.Move(temp, path, overwrite: true);
                AccessLog.AdminCreated(_logger, AccessFiles.AdminUserId, path);
            }
            else
            {
                AccessLog.AdminExists(_logger);
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
