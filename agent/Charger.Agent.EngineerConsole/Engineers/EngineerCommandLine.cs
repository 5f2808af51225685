namespace Charger.Agent.EngineerConsole.Engineers;

/// <summary>
/// <c>charger-agent engineer add|remove|list</c>: provisions engineers into the engineers file.
/// <c>add</c> prints the engineer's PIN on standard output (generated, or read from standard input with
/// <c>--pin-stdin</c>); everything else goes to standard error.
/// </summary>
public static class EngineerCommandLine
{
    public const string Usage = """
        usage: charger-agent engineer add <id> [--name "Full Name"] [--pin-stdin] [--file PATH]
               charger-agent engineer remove <id> [--file PATH]
               charger-agent engineer list [--file PATH]

        add     provisions (or re-keys) an engineer; prints a new 8-digit PIN on stdout, shown only once,
                or takes the PIN (6-12 digits) from the first line of stdin with --pin-stdin.
        --file  the engineers file; default: Console:EngineersFile under Agent:DataDirectory.
        """;

    public static int Run(IReadOnlyList<string> args, string defaultFile, TextWriter stdout, TextWriter stderr, TextReader stdin, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(stdin);
        string? verb = null, id = null, name = null, file = null;
        var pinStdin = false;
        try
        {
            for (var i = 0; i < args.Count; i++)
            {
                string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--name": name = Next(); break;
                    case "--file": file = Next(); break;
                    case "--pin-stdin": pinStdin = true; break;
                    case var a when a.StartsWith("--", StringComparison.Ordinal) && a.Contains(':', StringComparison.Ordinal): break; // configuration keys
                    case var a when a.StartsWith('-'): throw new ArgumentException($"unknown option '{a}'.");
                    case var a when verb is null: verb = a; break;
                    case var a when id is null: id = a; break;
                    default: throw new ArgumentException($"unexpected argument '{args[i]}'.");
                }
            }

            var path = Path.GetFullPath(file ?? defaultFile);
            switch (verb)
            {
                case "add" when id is not null:
                    var pin = pinStdin ? (stdin.ReadLine() ?? string.Empty).Trim() : PinHasher.NewPin();
                    EngineerFile.Add(path, id, name, pin, time);
                    stderr.WriteLine($"engineer {id} provisioned in {path}" + (pinStdin ? string.Empty : "; the PIN below is shown only once"));
                    if (!pinStdin)
                    {
                        stdout.WriteLine(pin);
                    }

                    return 0;
                case "remove" when id is not null:
                    if (!EngineerFile.Remove(path, id))
                    {
                        stderr.WriteLine($"no engineer {id} in {path}");
                        return 1;
                    }

                    stderr.WriteLine($"engineer {id} removed from {path}");
                    return 0;
                case "list" when id is null:
                    foreach (var e in EngineerFile.Read(path).Engineers)
                    {
                        stdout.WriteLine($"{e.Id}\t{e.Name}\t{(e.Disabled ? "disabled" : "enabled")}\t{e.CreatedAt:O}");
                    }

                    return 0;
                default:
                    throw new ArgumentException(verb is null ? "a verb is required." : $"bad use of '{verb}'.");
            }
        }
        catch (ArgumentException ex)
        {
            stderr.WriteLine($"charger-agent engineer: {ex.Message}");
            stderr.WriteLine(Usage);
            return 2;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            stderr.WriteLine($"charger-agent engineer: {ex.Message}");
            return 1;
        }
    }
}
