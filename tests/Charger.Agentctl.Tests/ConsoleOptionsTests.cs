using System.ComponentModel.DataAnnotations;
using Charger.Agent.EngineerConsole;

namespace Charger.Agentctl.Tests;

/// <summary>A bad console configuration stops start-up with a message naming the key.</summary>
public sealed class ConsoleOptionsTests
{
    private static List<string> Errors(ConsoleOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage!).ToList();
    }

    [Fact]
    public void Defaults_are_valid_and_put_the_socket_in_the_data_directory()
    {
        var options = new ConsoleOptions();

        Assert.Empty(Errors(options));
        Assert.Equal("/var/lib/charger-agent/agent.sock", options.ResolveSocketPath("/var/lib/charger-agent"));
        Assert.Equal((UnixFileMode)Convert.ToInt32("660", 8), options.ParseSocketMode());
    }

    [Theory]
    [InlineData("999", "Console:SocketMode")]
    [InlineData("rw-rw----", "Console:SocketMode")]
    public void A_bad_socket_mode_is_refused(string mode, string key) =>
        Assert.Contains(Errors(new ConsoleOptions { SocketMode = mode }), e => e.Contains(key, StringComparison.Ordinal));

    [Fact]
    public void A_socket_path_too_long_for_a_unix_socket_is_refused()
    {
        var errors = Errors(new ConsoleOptions { SocketPath = "/run/" + new string('x', 120) + "/agent.sock" });

        Assert.Contains(errors, e => e.Contains("Console:SocketPath", StringComparison.Ordinal) && e.Contains("107 bytes", StringComparison.Ordinal));
    }

    [Fact]
    public void A_backoff_maximum_below_the_first_backoff_is_refused() =>
        Assert.Contains(Errors(new ConsoleOptions { LoginBackoff = TimeSpan.FromMinutes(10), LoginBackoffMax = TimeSpan.FromMinutes(1) }),
            e => e.Contains("Console:LoginBackoffMax", StringComparison.Ordinal));
}
