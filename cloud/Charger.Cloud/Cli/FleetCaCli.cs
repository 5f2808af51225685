using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Charger.Cloud.Pki;
using Charger.Protocol;

namespace Charger.Cloud.Cli;

/// <summary>
/// <c>charger-cloud ca ...</c>: the fleet CA for mutual TLS with an external broker. Files go to the directories given;
/// private keys are written 0600. Exit codes as <see cref="CloudCli"/>: 0 done, 1 failed, 2 bad usage.
/// </summary>
public static class FleetCaCli
{
    private const string UsageText =
        "usage: charger-cloud ca init --dir CA_DIR [--name NAME] [--days N]\n" +
        "       charger-cloud ca server --dir CA_DIR --out DIR (--dns NAME | --ip ADDRESS)... [--days N]\n" +
        "       charger-cloud ca receiver --dir CA_DIR --out DIR [--days N]\n" +
        "       charger-cloud ca charger <chargerId> --dir CA_DIR --out DIR --broker HOST:PORT [--days N]\n" +
        "init: a new CA (ca.pem, ca.key). server: the broker's server.pem/server.key. receiver: receiver.pfx (and .pem/.key)\n" +
        "for charger-cloud's Ingress. charger: the agent's provisioning bundle: ca.pem, client.pem, client.key, agent.json.";

    public static bool IsCommand(string[] args) => args is ["ca", ..];

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length < 2 || args[1] is "-h" or "--help")
        {
            await (args.Length < 2 ? stderr : stdout).WriteLineAsync(UsageText);
            return args.Length < 2 ? CloudCli.Usage : CloudCli.Ok;
        }

        var verb = args[1];
        var positional = new List<string>();
        var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 2; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                if (i + 1 >= args.Length)
                {
                    await stderr.WriteLineAsync($"{args[i]} needs a value.\n{UsageText}");
                    return CloudCli.Usage;
                }

                if (!options.TryGetValue(args[i], out var values))
                {
                    options[args[i]] = values = [];
                }

                values.Add(args[++i]);
            }
            else
            {
                positional.Add(args[i]);
            }
        }

        string? One(string name) => options.TryGetValue(name, out var v) ? v[^1] : null;
        var known = verb switch
        {
            "init" => new[] { "--dir", "--name", "--days" },
            "server" => ["--dir", "--out", "--dns", "--ip", "--days"],
            "receiver" => ["--dir", "--out", "--days"],
            "charger" => ["--dir", "--out", "--broker", "--days"],
            _ => null,
        };
        if (known is null)
        {
            await stderr.WriteLineAsync($"Unknown ca verb '{verb}'.\n{UsageText}");
            return CloudCli.Usage;
        }

        if (options.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            await stderr.WriteLineAsync($"Unknown option '{unknown}' for 'ca {verb}'.\n{UsageText}");
            return CloudCli.Usage;
        }

        var caDir = One("--dir");
        var outDir = One("--out");
        var days = One("--days");
        if (caDir is null || (verb != "init" && outDir is null))
        {
            await stderr.WriteLineAsync($"ca {verb} needs --dir{(verb == "init" ? string.Empty : " and --out")}.\n{UsageText}");
            return CloudCli.Usage;
        }

        var defaultDays = verb == "init" ? 3650 : 825;
        if (!int.TryParse(days ?? defaultDays.ToString(CultureInfo.InvariantCulture), NumberStyles.None, CultureInfo.InvariantCulture, out var validityDays) || validityDays is < 1 or > 36500)
        {
            await stderr.WriteLineAsync($"--days must be 1 to 36500, not '{days}'.");
            return CloudCli.Usage;
        }

        var validity = TimeSpan.FromDays(validityDays);
        try
        {
            switch (verb)
            {
                case "init":
                    FleetCa.Create(caDir, One("--name") ?? "EV charger fleet CA", validity, time);
                    await stderr.WriteLineAsync($"Created the fleet CA in {caDir} ({FleetCa.CertificateFile}; the key {FleetCa.KeyFile} is 0600: keep it offline).");
                    return CloudCli.Ok;
                case "server":
                {
                    var dns = options.GetValueOrDefault("--dns") ?? [];
                    var ips = new List<IPAddress>();
                    foreach (var text in options.GetValueOrDefault("--ip") ?? [])
                    {
                        if (!IPAddress.TryParse(text, out var ip))
                        {
                            await stderr.WriteLineAsync($"'{text}' is not an IP address.");
                            return CloudCli.Usage;
                        }

                        ips.Add(ip);
                    }

                    if (dns.Count == 0 && ips.Count == 0)
                    {
                        await stderr.WriteLineAsync("ca server needs at least one --dns or --ip.");
                        return CloudCli.Usage;
                    }

                    var ca = FleetCa.Load(caDir);
                    Write(outDir!, "server", ca.IssueServer(dns, ips, validity, time), ca);
                    await stderr.WriteLineAsync($"Issued the broker certificate for {string.Join(", ", dns.Concat(ips.Select(i => i.ToString())))} in {outDir} (server.pem, server.key, ca.pem).");
                    return CloudCli.Ok;
                }

                case "receiver":
                {
                    var ca = FleetCa.Load(caDir);
                    Write(outDir!, "receiver", ca.IssueReceiver(validity, time), ca);
                    await stderr.WriteLineAsync($"Issued the receivers' certificate (CN {FleetCa.ReceiverCommonName}) in {outDir}: receiver.pfx for Ingress:TlsClientCertificatePath, ca.pem for Ingress:TlsCaFile.");
                    return CloudCli.Ok;
                }

                default:
                {
                    if (positional.Count != 1 || !ChargerId.IsValid(positional[0]))
                    {
                        await stderr.WriteLineAsync($"ca charger needs one valid charger id ([A-Za-z0-9._-]{{1,64}}).\n{UsageText}");
                        return CloudCli.Usage;
                    }

                    var broker = One("--broker");
                    if (broker is null || !TrySplitHostPort(broker, out var host, out var port))
                    {
                        await stderr.WriteLineAsync($"ca charger needs --broker HOST:PORT (the broker the agent connects to), not '{broker}'.");
                        return CloudCli.Usage;
                    }

                    var ca = FleetCa.Load(caDir);
                    var chargerId = positional[0];
                    Write(outDir!, "client", ca.IssueCharger(chargerId, validity, time), ca);
                    await File.WriteAllTextAsync(Path.Combine(outDir!, "agent.json"), AgentJson(chargerId, host, port));
                    await stderr.WriteLineAsync($"Provisioning bundle for {chargerId} in {outDir}: ca.pem, client.pem, client.key (0600), agent.json. Install with deploy/install-agent.sh --ca ca.pem --cert client.pem --key client.key.");
                    return CloudCli.Ok;
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            await stderr.WriteLineAsync($"ca {verb} failed: {ex.Message}");
            return CloudCli.Failed;
        }
    }

    private static void Write(string outDir, string name, IssuedCertificate issued, FleetCa ca)
    {
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, name + ".pem"), issued.CertificatePem);
        FleetCa.WritePrivate(Path.Combine(outDir, name + ".key"), issued.KeyPem);
        if (name == "receiver")
        {
            FleetCa.WritePrivate(Path.Combine(outDir, name + ".pfx"), issued.Pkcs12);
        }

        File.WriteAllText(Path.Combine(outDir, FleetCa.CertificateFile), ca.CertificatePem);
    }

    private static bool TrySplitHostPort(string text, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return false;
        }

        host = text[..colon];
        return true;
    }

    private static string AgentJson(string chargerId, string host, int port) => $$"""
        {
          "Agent": { "ChargerId": "{{chargerId}}" },
          "Mqtt": {
            "Host": "{{host}}",
            "Port": {{port}},
            "UseTls": true,
            "CaFile": "/etc/charger-agent/ca.pem",
            "ClientCertificateFile": "/etc/charger-agent/client.pem",
            "ClientKeyFile": "/etc/charger-agent/client.key"
          }
        }

        """;
}
