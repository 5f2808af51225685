using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Charger.Agent.EngineerConsole.Contracts;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Charger.Agentctl;

/// <summary>Runs one agentctl command against one agent socket and prints the outcome.</summary>
internal sealed partial class Runner(AgentctlEnvironment env, string socket, bool json)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly SessionFile _sessions = new(env.StateDirectory);

    /// <summary>Sends a command and renders its data as a table (or JSON).</summary>
    public async Task<int> CallAsync<T>(string command, JsonElement? args, JsonTypeInfo<T> typeInfo, Func<T, IRenderable> render, CancellationToken cancellationToken)
    {
        await using var client = await ConsoleClient.ConnectAsync(socket, cancellationToken).ConfigureAwait(false);
        var reply = await SendAsync(client, command, args, null, cancellationToken).ConfigureAwait(false);
        return await PrintAsync(reply, typeInfo, render).ConfigureAwait(false);
    }

    /// <summary>A state-changing command: prints the state afterwards.</summary>
    public Task<int> StateAsync(string command, JsonElement args, CancellationToken cancellationToken) =>
        CallAsync(command, args, ConsoleJsonContext.Default.StateData, d => new Markup(Views.Esc($"{d.Detail}; state {d.State}")), cancellationToken);

    public async Task<int> LoginAsync(string engineer, bool pinFromStdin, CancellationToken cancellationToken)
    {
        string pin;
        if (pinFromStdin)
        {
            pin = (await env.In.ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? string.Empty).Trim();
        }
        else if (env.Interactive)
        {
            pin = await env.Out.PromptAsync(new TextPrompt<string>($"PIN for {Views.Esc(engineer)}:").Secret(), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            throw new UsageException("no terminal to ask for the PIN: give it on standard input with --pin-stdin.");
        }

        await using var client = await ConsoleClient.ConnectAsync(socket, cancellationToken).ConfigureAwait(false);
        var reply = await client.SendAsync(new ConsoleRequest
        {
            Command = ConsoleCommandNames.Login,
            Args = JsonSerializer.SerializeToElement(new LoginArgs { Engineer = engineer, Pin = pin }, ConsoleJsonContext.Default.LoginArgs),
        }, null, cancellationToken).ConfigureAwait(false);
        if (reply.Ok == true && reply.Data?.Deserialize(ConsoleJsonContext.Default.LoginData) is { } data)
        {
            _sessions.Save(new StoredSession(socket, data.Engineer, data.Session, data.ExpiresAt));
            if (json)
            {
                // The token stays in the session file; scripts get who and until when.
                WriteJson(JsonSerializer.SerializeToElement(data with { Session = "(stored)" }, ConsoleJsonContext.Default.LoginData));
            }
            else
            {
                env.Out.MarkupLine(Views.Esc($"Logged in as {data.Engineer}{(data.Name is null ? string.Empty : $" ({data.Name})")}; the session ends after {Views.Time(data.ExpiresAt)} unless used."));
            }

            return ExitCodes.Ok;
        }

        return await FailAsync(reply).ConfigureAwait(false);
    }

    public async Task<int> LogoutAsync(CancellationToken cancellationToken)
    {
        var stored = _sessions.Load(socket);
        _sessions.Delete(socket);
        if (stored is null)
        {
            env.Out.MarkupLine("Not logged in.");
            return ExitCodes.Ok;
        }

        await using var client = await ConsoleClient.ConnectAsync(socket, cancellationToken).ConfigureAwait(false);
        var reply = await client.SendAsync(new ConsoleRequest { Command = ConsoleCommandNames.Logout, Session = stored.Token }, null, cancellationToken).ConfigureAwait(false);
        return await PrintAsync(reply, ConsoleJsonContext.Default.LogoutData, d => new Markup(Views.Esc($"Logged out {d.Engineer ?? stored.Engineer}."))).ConfigureAwait(false);
    }

    public async Task<int> SelfTestAsync(CancellationToken cancellationToken)
    {
        await using var client = await ConsoleClient.ConnectAsync(socket, cancellationToken).ConfigureAwait(false);
        ConsoleReply reply;
        if (env.Interactive && !json)
        {
            reply = null!;
            await env.Out.Progress().AutoClear(false).StartAsync(async ctx =>
            {
                var task = ctx.AddTask("self-test");
                reply = await SendAsync(client, ConsoleCommandNames.SelfTest, null, progress =>
                {
                    var step = progress.Deserialize(ConsoleJsonContext.Default.SelfTestStepData)!;
                    task.MaxValue = step.Of;
                    task.Value = step.Index;
                    task.Description = Views.Esc($"{step.Index}/{step.Of} {step.Name}");
                    return Task.CompletedTask;
                }, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        else
        {
            reply = await SendAsync(client, ConsoleCommandNames.SelfTest, null, progress =>
            {
                if (!json)
                {
                    env.Out.MarkupLine(Views.StepLine(progress.Deserialize(ConsoleJsonContext.Default.SelfTestStepData)!));
                }

                return Task.CompletedTask;
            }, cancellationToken).ConfigureAwait(false);
        }

        var code = await PrintAsync(reply, ConsoleJsonContext.Default.SelfTestData, Views.SelfTest).ConfigureAwait(false);
        return code == ExitCodes.Ok && reply.Data?.Deserialize(ConsoleJsonContext.Default.SelfTestData) is { Pass: false } ? ExitCodes.Failed : code;
    }

    public async Task<int> WatchSensorsAsync(TimeSpan interval, int? count, CancellationToken cancellationToken)
    {
        if (interval < TimeSpan.FromMilliseconds(100))
        {
            throw new UsageException("--interval must be at least 100 ms.");
        }

        await using var client = await ConsoleClient.ConnectAsync(socket, cancellationToken).ConfigureAwait(false);
        async Task<(int Code, SensorsData? Data)> FetchAsync()
        {
            var reply = await SendAsync(client, ConsoleCommandNames.Sensors, null, null, cancellationToken).ConfigureAwait(false);
            return reply.Ok == true
                ? (ExitCodes.Ok, reply.Data!.Value.Deserialize(ConsoleJsonContext.Default.SensorsData))
                : (await FailAsync(reply).ConfigureAwait(false), null);
        }

        var refreshes = 0;
        bool More() => !cancellationToken.IsCancellationRequested && (count is null || refreshes < count);
        try
        {
            if (env.Interactive && !json)
            {
                var (code, first) = await FetchAsync().ConfigureAwait(false);
                if (first is null)
                {
                    return code;
                }

                refreshes++;
                await env.Out.Live(Views.Sensors(first)).StartAsync(async ctx =>
                {
                    while (More())
                    {
                        await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                        var (_, next) = await FetchAsync().ConfigureAwait(false);
                        if (next is null)
                        {
                            return;
                        }

                        ctx.UpdateTarget(Views.Sensors(next));
                        refreshes++;
                    }
                }).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            while (More())
            {
                if (refreshes > 0)
                {
                    await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                }

                var (code, data) = await FetchAsync().ConfigureAwait(false);
                if (data is null)
                {
                    return code;
                }

                if (json)
                {
                    // One compact JSON object per line (NDJSON) for scripts.
                    env.Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(data, ConsoleJsonContext.Default.SensorsData));
                }
                else
                {
                    env.Out.Write(Views.Sensors(data));
                }

                refreshes++;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return ExitCodes.Ok;
    }

    private Task<ConsoleReply> SendAsync(ConsoleClient client, string command, JsonElement? args, Func<JsonElement, Task>? progress, CancellationToken cancellationToken) =>
        client.SendAsync(new ConsoleRequest { Command = command, Args = args, Session = _sessions.Load(socket)?.Token }, progress, cancellationToken);

    private async Task<int> PrintAsync<T>(ConsoleReply reply, JsonTypeInfo<T> typeInfo, Func<T, IRenderable> render)
    {
        if (reply.Ok != true || reply.Data is not { } data)
        {
            return await FailAsync(reply).ConfigureAwait(false);
        }

        if (json)
        {
            WriteJson(data);
        }
        else
        {
            env.Out.Write(render(data.Deserialize(typeInfo)!));
            env.Out.WriteLine();
        }

        return ExitCodes.Ok;
    }

    private async Task<int> FailAsync(ConsoleReply reply)
    {
        var error = reply.Error ?? new ConsoleError(ConsoleErrorCodes.Internal, "the agent sent a reply without a result or an error");
        if (error.Code is ConsoleErrorCodes.SessionExpired)
        {
            _sessions.Delete(socket);
        }

        if (json)
        {
            WriteJson(JsonSerializer.SerializeToElement(reply, ConsoleJsonContext.Default.ConsoleReply));
        }

        await env.Error.WriteLineAsync($"agentctl: {error.Message} [{error.Code}]").ConfigureAwait(false);
        return ExitCodes.For(error.Code);
    }

    private void WriteJson(JsonElement element) => env.Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(element, Indented));
}
