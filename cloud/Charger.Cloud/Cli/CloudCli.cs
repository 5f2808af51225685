using System.Data.Common;
using Charger.Cloud.Core;
using Charger.Cloud.Hosting;
using Charger.Cloud.Store.Postgres;
using Charger.Cloud.Store.Sqlite;
using Charger.Protocol;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Cli;

/// <summary>
/// The operator verbs of <c>charger-cloud</c>: <c>enrol &lt;chargerId&gt; [--data-dir DIR]</c> prints a new secret (and
/// nothing else) on stdout; <c>revoke &lt;chargerId&gt; [--data-dir DIR]</c>. Messages go to stderr. Exit codes: 0 done,
/// 1 failed (or nothing to revoke), 2 bad usage or configuration.
/// </summary>
public static class CloudCli
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    private const string UsageText =
        "usage: charger-cloud enrol <chargerId> [--data-dir DIR]\n" +
        "       charger-cloud revoke <chargerId> [--data-dir DIR]\n" +
        "Configuration is read as by the server (appsettings.json in the working directory, environment variables such as Cloud__DataDirectory);\n" +
        "Cloud:Store=postgres (Cloud__Store) enrols in the PostgreSQL database of Cloud:Postgres:ConnectionString.";

    /// <summary>True when <paramref name="args"/> starts with a verb of this CLI.</summary>
    public static bool IsCommand(string[] args) => args is ["enrol" or "revoke", ..];

    /// <summary>Runs a verb. Never throws for bad input or a failing store; reports on <paramref name="stderr"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (!IsCommand(args))
        {
            await stderr.WriteLineAsync(UsageText);
            return Usage;
        }

        var verb = args[0];
        string? chargerId = null;
        string? dataDir = null;
        for (var i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                await stdout.WriteLineAsync(UsageText);
                return Ok;
            }

            if (arg == "--data-dir")
            {
                if (i + 1 >= args.Length || string.IsNullOrWhiteSpace(args[i + 1]))
                {
                    await stderr.WriteLineAsync("--data-dir needs a directory.\n" + UsageText);
                    return Usage;
                }

                dataDir = args[++i];
            }
            else if (arg.StartsWith("--data-dir=", StringComparison.Ordinal))
            {
                dataDir = arg["--data-dir=".Length..];
            }
            else if (arg.StartsWith('-') && chargerId is not null)
            {
                await stderr.WriteLineAsync($"Unknown option '{arg}'.\n" + UsageText);
                return Usage;
            }
            else if (chargerId is null)
            {
                chargerId = arg;
            }
            else
            {
                await stderr.WriteLineAsync($"Unexpected argument '{arg}'.\n" + UsageText);
                return Usage;
            }
        }

        if (chargerId is null)
        {
            await stderr.WriteLineAsync($"{verb}: a charger id is required.\n" + UsageText);
            return Usage;
        }

        if (!ChargerId.IsValid(chargerId))
        {
            await stderr.WriteLineAsync($"'{chargerId}' is not a valid charger id: expected 1 to {ChargerId.MaxLength} characters of A-Z a-z 0-9 . _ -");
            return Usage;
        }

        var configuration = new ConfigurationBuilder()
            .SetBasePath(Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(dataDir is null ? [] : [new($"{CloudOptions.SectionName}:{nameof(CloudOptions.DataDirectory)}", dataDir)])
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddCloudStorage(configuration);
        await using var provider = services.BuildServiceProvider();
        try
        {
            var where = StoreKinds.From(configuration) == StoreKinds.Postgres
                ? provider.GetRequiredService<PostgresDatabase>().Description
                : provider.GetRequiredService<SqliteDatabase>().Path;
            var credentials = provider.GetRequiredService<IChargerCredentialStore>();
            if (verb == "enrol")
            {
                var secret = await credentials.EnrolAsync(chargerId, cancellationToken);
                await stdout.WriteLineAsync(secret);
                await stdout.FlushAsync(cancellationToken);
                await stderr.WriteLineAsync($"Enrolled charger '{chargerId}' in {where}. The secret above is shown only once; a previous secret no longer works.");
                return Ok;
            }

            if (await credentials.RevokeAsync(chargerId, cancellationToken))
            {
                await stderr.WriteLineAsync($"Revoked the credential of charger '{chargerId}' in {where}; it can no longer connect.");
                return Ok;
            }

            await stderr.WriteLineAsync($"Charger '{chargerId}' has no active credential in {where}; nothing revoked.");
            return Failed;
        }
        catch (OptionsValidationException ex)
        {
            await stderr.WriteLineAsync($"Invalid configuration: {ex.Message}");
            return Usage;
        }
        catch (Exception ex) when (ex is DbException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            await stderr.WriteLineAsync($"{verb} failed: {ex.Message}");
            return Failed;
        }
    }
}
