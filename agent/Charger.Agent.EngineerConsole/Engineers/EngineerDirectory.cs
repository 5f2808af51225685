namespace Charger.Agent.EngineerConsole.Engineers;

/// <summary>Outcome of a PIN check.</summary>
public enum PinCheck
{
    Accepted,
    UnknownEngineer,
    Disabled,
    WrongPin,
}

/// <summary>
/// The provisioned engineers, read from the engineers file and read again whenever the file changes (so provisioning
/// needs no restart). Verification spends the same time for an unknown engineer as for a known one.
/// </summary>
public sealed class EngineerDirectory(string path)
{
    private readonly Lock _gate = new();
    private EngineerDocument _document = new();
    private (DateTime Written, long Length)? _loaded;

    /// <summary>Where the engineers are read from.</summary>
    public string Path { get; } = path;

    /// <summary>Checks an engineer's PIN.</summary>
    /// <exception cref="FormatException">The engineers file is corrupt.</exception>
    public (PinCheck Result, EngineerEntry? Engineer) Verify(string engineerId, string pin)
    {
        var entry = Current().Engineers.FirstOrDefault(e => string.Equals(e.Id, engineerId, StringComparison.Ordinal));
        if (entry is null)
        {
            PinHasher.VerifyNothing(pin);
            return (PinCheck.UnknownEngineer, null);
        }

        var ok = PinHasher.Verify(pin, Convert.FromBase64String(entry.Salt), entry.Iterations, Convert.FromBase64String(entry.Hash));
        if (entry.Disabled)
        {
            return (PinCheck.Disabled, entry);
        }

        return (ok ? PinCheck.Accepted : PinCheck.WrongPin, entry);
    }

    /// <summary>Number of engineers provisioned now.</summary>
    public int Count => Current().Engineers.Count;

    private EngineerDocument Current()
    {
        lock (_gate)
        {
            var info = new FileInfo(Path);
            (DateTime, long)? stamp = info.Exists ? (info.LastWriteTimeUtc, info.Length) : null;
            if (stamp != _loaded)
            {
                _document = EngineerFile.Read(Path);
                _loaded = stamp;
            }

            return _document;
        }
    }
}
