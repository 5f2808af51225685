using System.Diagnostics;

namespace Charger.EndToEnd.Tests;

/// <summary>The agentctl executable, run as a process for each command (as an engineer runs it on site).</summary>
internal static class Agentctl
{
    public static string Dll => Path.Combine(Repo.Root, "agent/Charger.Agentctl/bin", Repo.Configuration, "net10.0/agentctl.dll");

    /// <summary>Runs <c>agentctl --socket SOCKET args</c> as a process with its own state directory.</summary>
    public static async Task<(int Code, string Out, string Err)> RunAsync(string socket, string stateDir, string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])[Dll, "--socket", socket, .. args])
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["AGENTCTL_STATE_DIR"] = stateDir;
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(psi)!;
        await process.StandardInput.WriteAsync(stdin ?? string.Empty);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
