using System.Device.Gpio;

namespace Charger.Agent.Board.Simulated;

/// <summary>
/// In-memory GPIO lines for <see cref="GpioController"/>: pin modes, reads and writes, value-change callbacks and
/// <c>WaitForEvent</c>. <see cref="SetInput"/> drives a line from outside (a switch, a meter's S0 output) and raises
/// the callbacks synchronously on the caller's thread. <see cref="Failed"/> makes every access throw, like a GPIO
/// chip that stopped answering.
/// </summary>
public sealed class SimulatedGpioDriver : GpioDriver
{
    private readonly Lock _gate = new();
    private readonly Pin[] _pins;

    /// <summary>Creates <paramref name="pinCount"/> lines, all low, none open.</summary>
    public SimulatedGpioDriver(int pinCount = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pinCount, 1);
        _pins = new Pin[pinCount];
        for (int i = 0; i < pinCount; i++)
        {
            _pins[i] = new Pin();
        }
    }

    /// <summary>When true every pin access throws <see cref="IOException"/>.</summary>
    public bool Failed { get; set; }

    /// <summary>Raised after a pin in output mode was written (sender is the driver).</summary>
    public event EventHandler<PinValueChangedEventArgs>? OutputWritten;

    /// <summary>Drives the level of a line from outside, raising value-change callbacks and waking waiters on an edge.</summary>
    public void SetInput(int pinNumber, PinValue value) => Change(Get(pinNumber), pinNumber, value, fromOutside: true);

    /// <summary>The current level of a line, whatever its mode (for tests and the console).</summary>
    public PinValue GetLevel(int pinNumber)
    {
        lock (_gate)
        {
            return Get(pinNumber).Level;
        }
    }

    /// <summary>Whether the line is open.</summary>
    public bool IsOpen(int pinNumber)
    {
        lock (_gate)
        {
            return Get(pinNumber).Open;
        }
    }

    /// <inheritdoc />
    protected override int PinCount => _pins.Length;

    /// <inheritdoc />
    protected override void OpenPin(int pinNumber)
    {
        ThrowIfFailed();
        lock (_gate)
        {
            Get(pinNumber).Open = true;
        }
    }

    /// <inheritdoc />
    protected override void ClosePin(int pinNumber)
    {
        lock (_gate)
        {
            Pin pin = Get(pinNumber);
            pin.Open = false;
            pin.Callbacks.Clear();
        }
    }

    /// <inheritdoc />
    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        ThrowIfFailed();
        Pin pin;
        PinValue? pulled = null;
        lock (_gate)
        {
            pin = Get(pinNumber);
            pin.Mode = mode;
            if (!pin.Driven)
            {
                pulled = mode switch
                {
                    PinMode.InputPullUp => PinValue.High,
                    PinMode.InputPullDown => PinValue.Low,
                    _ => null,
                };
            }
        }

        if (pulled is { } level)
        {
            Change(pin, pinNumber, level, fromOutside: false);
        }
    }

    /// <inheritdoc />
    protected override PinMode GetPinMode(int pinNumber)
    {
        ThrowIfFailed();
        lock (_gate)
        {
            return Get(pinNumber).Mode;
        }
    }

    /// <inheritdoc />
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        mode is PinMode.Input or PinMode.InputPullUp or PinMode.InputPullDown or PinMode.Output;

    /// <inheritdoc />
    protected override PinValue Read(int pinNumber)
    {
        ThrowIfFailed();
        lock (_gate)
        {
            Pin pin = Get(pinNumber);
            if (!pin.Open)
            {
                throw new InvalidOperationException($"Pin {pinNumber} is not open.");
            }

            return pin.Level;
        }
    }

    /// <inheritdoc />
    protected override void Write(int pinNumber, PinValue value)
    {
        ThrowIfFailed();
        Pin pin;
        lock (_gate)
        {
            pin = Get(pinNumber);
            if (pin.Mode != PinMode.Output)
            {
                return;
            }
        }

        Change(pin, pinNumber, value, fromOutside: false);
        OutputWritten?.Invoke(this, new PinValueChangedEventArgs(value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling, pinNumber));
    }

    /// <inheritdoc />
    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        Task<PinEventTypes> wait = AddWaiter(pinNumber, eventTypes);
        try
        {
            wait.Wait(cancellationToken);
            return new WaitForEventResult { EventTypes = wait.Result, TimedOut = false };
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
        finally
        {
            RemoveWaiter(pinNumber, wait);
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<WaitForEventResult> WaitForEventAsync(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        Task<PinEventTypes> wait = AddWaiter(pinNumber, eventTypes);
        try
        {
            PinEventTypes happened = await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new WaitForEventResult { EventTypes = happened, TimedOut = false };
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
        finally
        {
            RemoveWaiter(pinNumber, wait);
        }
    }

    /// <inheritdoc />
    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        ThrowIfFailed();
        lock (_gate)
        {
            Get(pinNumber).Callbacks.Add((eventTypes, callback));
        }
    }

    /// <inheritdoc />
    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            Get(pinNumber).Callbacks.RemoveAll(c => c.Callback == callback);
        }
    }

    private Task<PinEventTypes> AddWaiter(int pinNumber, PinEventTypes eventTypes)
    {
        ThrowIfFailed();
        var waiter = new TaskCompletionSource<PinEventTypes>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            Get(pinNumber).Waiters.Add((eventTypes, waiter));
        }

        return waiter.Task;
    }

    private void RemoveWaiter(int pinNumber, Task<PinEventTypes> task)
    {
        lock (_gate)
        {
            Get(pinNumber).Waiters.RemoveAll(w => w.Waiter.Task == task);
        }
    }

    private void Change(Pin pin, int pinNumber, PinValue value, bool fromOutside)
    {
        List<PinChangeEventHandler> toCall = [];
        List<TaskCompletionSource<PinEventTypes>> toWake = [];
        PinEventTypes edge;
        lock (_gate)
        {
            if (fromOutside)
            {
                pin.Driven = true;
            }

            if (pin.Level == value)
            {
                return;
            }

            pin.Level = value;
            edge = value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            foreach ((PinEventTypes types, PinChangeEventHandler callback) in pin.Callbacks)
            {
                if ((types & edge) != 0)
                {
                    toCall.Add(callback);
                }
            }

            foreach ((PinEventTypes types, TaskCompletionSource<PinEventTypes> waiter) in pin.Waiters)
            {
                if ((types & edge) != 0)
                {
                    toWake.Add(waiter);
                }
            }
        }

        var args = new PinValueChangedEventArgs(edge, pinNumber);
        foreach (PinChangeEventHandler callback in toCall)
        {
            callback(this, args);
        }

        foreach (TaskCompletionSource<PinEventTypes> waiter in toWake)
        {
            waiter.TrySetResult(edge);
        }
    }

    private Pin Get(int pinNumber)
    {
        if ((uint)pinNumber >= (uint)_pins.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(pinNumber), pinNumber, $"The simulated GPIO chip has pins 0..{_pins.Length - 1}.");
        }

        return _pins[pinNumber];
    }

    private void ThrowIfFailed()
    {
        if (Failed)
        {
            throw new IOException("GPIO chip not responding (simulated failure).");
        }
    }

    private sealed class Pin
    {
        public bool Open { get; set; }

        public bool Driven { get; set; }

        public PinMode Mode { get; set; } = PinMode.Input;

        public PinValue Level { get; set; } = PinValue.Low;

        public List<(PinEventTypes Types, PinChangeEventHandler Callback)> Callbacks { get; } = [];

        public List<(PinEventTypes Types, TaskCompletionSource<PinEventTypes> Waiter)> Waiters { get; } = [];
    }
}
