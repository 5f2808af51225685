using Charger.Agent.Core.Board;
namespace Charger.Agent.Board.Simulated;

/// <summary>
/// Plays a <see cref="Scenario"/> against a control surface, each step at its time after <see cref="Start"/>.
/// Steps run on a timer of the injected <see cref="TimeProvider"/> (steps due at once run in file order), so a
/// manual clock plays them deterministically as it is advanced.
/// </summary>
public sealed class ScenarioRunner : IDisposable
{
    private readonly Scenario _scenario;
    private readonly ISimulationControl _control;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _timer;
    private DateTimeOffset _start;
    private int _next;

    /// <summary>Prepares to play <paramref name="scenario"/> on <paramref name="control"/>.</summary>
    public ScenarioRunner(Scenario scenario, ISimulationControl control, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(control);
        _scenario = scenario;
        _control = control;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Raised after each step was applied (on the timer's thread).</summary>
    public event EventHandler<ScenarioStepEventArgs>? StepApplied;

    /// <summary>Completes when the last step has run; faults if a step failed.</summary>
    public Task Completion => _completion.Task;

    /// <summary>How many steps have run.</summary>
    public int StepsApplied
    {
        get
        {
            lock (_gate)
            {
                return _next;
            }
        }
    }

    /// <summary>Starts the scenario now; steps at 00:00:00 run before this returns.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_timer is not null)
            {
                throw new InvalidOperationException("The scenario has already been started.");
            }

            _start = _time.GetUtcNow();
            _timer = _time.CreateTimer(_ => RunDue(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        RunDue();
    }

    /// <summary>Starts the scenario and waits until its last step has run.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Start();
        try
        {
            await Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (cancellationToken.IsCancellationRequested)
            {
                Dispose();
            }
        }
    }

    /// <summary>Stops the scenario; steps not yet run are dropped.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _timer?.Dispose();
        }

        _completion.TrySetCanceled();
    }

    private void RunDue()
    {
        lock (_gate)
        {
            if (_completion.Task.IsCompleted)
            {
                return;
            }

            TimeSpan elapsed = _time.GetUtcNow() - _start;
            while (_next < _scenario.Steps.Count && _scenario.Steps[_next].At <= elapsed)
            {
                ScenarioStep step = _scenario.Steps[_next];
                try
                {
                    step.ApplyTo(_control);
                }
                catch (Exception ex)
                {
                    _timer?.Dispose();
                    _completion.TrySetException(new InvalidOperationException($"Scenario '{_scenario.Name}' {step} failed: {ex.Message}", ex));
                    return;
                }

                _next++;
                StepApplied?.Invoke(this, new ScenarioStepEventArgs(step));
            }

            if (_next >= _scenario.Steps.Count)
            {
                _timer?.Dispose();
                _completion.TrySetResult();
                return;
            }

            _timer?.Change(_scenario.Steps[_next].At - elapsed, Timeout.InfiniteTimeSpan);
        }
    }
}

/// <summary>A step that has just run.</summary>
public sealed class ScenarioStepEventArgs(ScenarioStep step) : EventArgs
{
    /// <summary>The step.</summary>
    public ScenarioStep Step { get; } = step;
}
