using System.Globalization;

namespace Charger.Agent;

/// <summary>
/// Works out why the agent starts, from a marker it keeps in its data directory: <c>unclean-shutdown</c> when the last
/// run never stopped cleanly (crash, kill, power cut), <c>power-on</c> when the system itself just started, else <c>restart</c>.
/// </summary>
public sealed class BootReason(string dataDirectory)
{
    private string RunningMarker => Path.Combine(dataDirectory, "agent.running");

    /// <summary>Reads the reason and marks this run as running.</summary>
    public string Begin()
    {
        Directory.CreateDirectory(dataDirectory);
        string reason;
        if (File.Exists(RunningMarker))
        {
            reason = "unclean-shutdown";
        }
        else if (SystemUptime() is { } up && up < TimeSpan.FromMinutes(5))
        {
            reason = "power-on";
        }
        else
        {
            reason = "restart";
        }

        File.WriteAllText(RunningMarker, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        return reason;
    }

    /// <summary>Marks a clean stop.</summary>
    public void End() => File.Delete(RunningMarker);

    private static TimeSpan? SystemUptime()
    {
        try
        {
            var text = File.ReadAllText("/proc/uptime").Split(' ')[0];
            return TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
