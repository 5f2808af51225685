using System.Device.Gpio;
using Charger.Agent.Core.Board;

namespace Charger.Agent.Board.Simulated;

/// <summary>
/// Drives a <see cref="SimulatedBoardHardware"/> with physical values: set, ramp, freeze, fail, digital inputs,
/// energy-meter pulses for a given power, and a contactor whose feedback follows its command unless welded.
/// Time comes from the injected <see cref="TimeProvider"/>: ramps are evaluated at its present time and a timer on it
/// calls <see cref="Tick"/> every <see cref="TickPeriod"/>, so the simulation is deterministic under a manual clock
/// and runs by itself in real time. Every value gets a small uniform noise unless frozen.
/// </summary>
public sealed class BoardSimulator : ISimulationControl, IDisposable
{
    /// <summary>How often the simulator's timer emits due S0 pulses.</summary>
    public static readonly TimeSpan TickPeriod = TimeSpan.FromMilliseconds(100);

    private static readonly string[] Inputs =
    [
        InputNames.EmergencyStop, InputNames.Door, InputNames.RcdTrip, InputNames.ContactorFeedback, InputNames.SurgeProtection,
    ];

    private readonly SimulatedBoardHardware _hardware;
    private readonly BoardOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Quantity> _quantities;
    private readonly ITimer _timer;
    private DateTimeOffset _lastTick;
    private double _watts;
    private double _pulseFraction;
    private long _pulsesEmitted;
    private bool _welded;
    private bool _disposed;

    /// <summary>Attaches to <paramref name="hardware"/> and sets the realistic defaults.</summary>
    /// <param name="hardware">The simulated chips and lines.</param>
    /// <param name="timeProvider">The clock (system clock by default).</param>
    /// <param name="seed">Seed of the noise generator, for repeatable runs.</param>
    public BoardSimulator(SimulatedBoardHardware hardware, TimeProvider? timeProvider = null, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(hardware);
        _hardware = hardware;
        _options = hardware.Options;
        _time = timeProvider ?? TimeProvider.System;
        _random = seed is { } s ? new Random(s) : new Random();
        _quantities = new Dictionary<string, Quantity>(StringComparer.Ordinal)
        {
            [SensorNames.EnclosureTemperature] = new(22.0, 0.05),
            [SensorNames.EnclosureHumidity] = new(45.0, 0.2),
            [SensorNames.AuxVoltage] = new(12.0, 0.01),
            [SensorNames.AuxCurrent] = new(0.8, 0.002),
            [SensorNames.ResidualCurrent] = new(0.5, 0.02),
            [SensorNames.SupplyVoltage] = new(230.0, 0.5),
            [SensorNames.ConnectorTemperature] = new(25.0, 0.1),
        };
        _lastTick = _time.GetUtcNow();

        hardware.Bme280.Sampling += OnBme280Sampling;
        hardware.Ina219.Sampling += OnIna219Sampling;
        hardware.Ads1115.Sampling += OnAds1115Sampling;
        hardware.GpioDriver.OutputWritten += OnOutputWritten;
        lock (_gate)
        {
            PushAdsVoltages(); // so that a frozen channel starts from the default value
        }

        _timer = _time.CreateTimer(_ => Tick(), null, TickPeriod, TickPeriod);
    }

    /// <summary>When false, values carry no noise (for exact assertions). Default true.</summary>
    public bool NoiseEnabled { get; set; } = true;

    /// <summary>S0 pulses emitted so far.</summary>
    public long PulsesEmitted => Interlocked.Read(ref _pulsesEmitted);

    /// <summary>The power the meter sees [W].</summary>
    public double Power
    {
        get
        {
            lock (_gate)
            {
                return _watts;
            }
        }
    }

    /// <summary>Whether the contactor is welded.</summary>
    public bool Welded
    {
        get
        {
            lock (_gate)
            {
                return _welded;
            }
        }
    }

    /// <summary>The hardware being driven.</summary>
    public SimulatedBoardHardware Hardware => _hardware;

    /// <inheritdoc />
    public void Set(string sensorName, double value)
    {
        RequireFinite(value);
        lock (_gate)
        {
            Quantity q = Find(sensorName);
            q.Value = value;
            q.Ramp = null;
            PushAdsVoltages();
        }
    }

    /// <inheritdoc />
    public void Ramp(string sensorName, double target, TimeSpan over)
    {
        RequireFinite(target);
        if (over <= TimeSpan.Zero)
        {
            Set(sensorName, target);
            return;
        }

        lock (_gate)
        {
            Quantity q = Find(sensorName);
            DateTimeOffset now = _time.GetUtcNow();
            q.Value = q.Nominal(now);
            q.Ramp = new RampState(q.Value, target, now, over);
        }
    }

    /// <inheritdoc />
    public double Get(string sensorName)
    {
        lock (_gate)
        {
            return Find(sensorName).Nominal(_time.GetUtcNow());
        }
    }

    /// <inheritdoc />
    public void Freeze(string sensorName) => SetFrozen(sensorName, true);

    /// <inheritdoc />
    public void Unfreeze(string sensorName) => SetFrozen(sensorName, false);

    /// <inheritdoc />
    public void Fail(string chipOrSensorName) => _hardware.Fail(ChipOf(chipOrSensorName));

    /// <inheritdoc />
    public void Restore(string chipOrSensorName) => _hardware.Restore(ChipOf(chipOrSensorName));

    /// <inheritdoc />
    public void SetInput(string inputName, bool active)
    {
        if (!Inputs.Contains(inputName, StringComparer.Ordinal))
        {
            throw new ArgumentException($"Unknown input '{inputName}'. Known inputs: {string.Join(", ", Inputs)}.", nameof(inputName));
        }

        _hardware.SetInput(inputName, active);
    }

    /// <inheritdoc />
    public void SetPower(double watts)
    {
        RequireFinite(watts);
        ArgumentOutOfRangeException.ThrowIfNegative(watts);
        Tick(); // account for the energy at the old power first
        lock (_gate)
        {
            _watts = watts;
        }
    }

    /// <inheritdoc />
    public void Weld()
    {
        lock (_gate)
        {
            _welded = true;
        }

        _hardware.SetInput(InputNames.ContactorFeedback, active: true);
    }

    /// <inheritdoc />
    public void Unweld()
    {
        lock (_gate)
        {
            _welded = false;
        }

        bool commanded = _hardware.GpioDriver.GetLevel(_options.ContactorOutputPin) == PinValue.High;
        _hardware.SetInput(InputNames.ContactorFeedback, commanded);
    }

    /// <summary>
    /// Emits the S0 pulses due since the last tick at the present power. Called by the simulator's timer; call it
    /// yourself after moving a manual clock if you do not rely on the timer.
    /// </summary>
    public void Tick()
    {
        int due;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            DateTimeOffset now = _time.GetUtcNow();
            double seconds = Math.Max(0, (now - _lastTick).TotalSeconds);
            _lastTick = now;

            // pulses = energy [kWh] × pulses/kWh = W × s / 3.6e6 × pulses/kWh
            _pulseFraction += _watts * seconds / 3_600_000.0 * _options.S0PulsesPerKwh;
            due = (int)Math.Floor(_pulseFraction);
            _pulseFraction -= due;
        }

        for (int i = 0; i < due; i++)
        {
            _hardware.GpioDriver.SetInput(_options.EnergyPulsePin, PinValue.High);
            _hardware.GpioDriver.SetInput(_options.EnergyPulsePin, PinValue.Low);
            Interlocked.Increment(ref _pulsesEmitted);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _timer.Dispose();
        _hardware.Bme280.Sampling -= OnBme280Sampling;
        _hardware.Ina219.Sampling -= OnIna219Sampling;
        _hardware.Ads1115.Sampling -= OnAds1115Sampling;
        _hardware.GpioDriver.OutputWritten -= OnOutputWritten;
    }

    /// <summary>The chip that measures a sensor, or the chip name itself.</summary>
    public static string ChipOf(string chipOrSensorName) => chipOrSensorName switch
    {
        SensorNames.EnclosureTemperature or SensorNames.EnclosureHumidity => SimulatedBoardHardware.Bme280Chip,
        SensorNames.AuxVoltage or SensorNames.AuxCurrent => SimulatedBoardHardware.Ina219Chip,
        SensorNames.ResidualCurrent or SensorNames.SupplyVoltage or SensorNames.ConnectorTemperature => SimulatedBoardHardware.Ads1115Chip,
        _ when SimulatedBoardHardware.ChipNames.Contains(chipOrSensorName, StringComparer.Ordinal) => chipOrSensorName,
        _ => throw new ArgumentException(
            $"Unknown chip or sensor '{chipOrSensorName}'. Known: {string.Join(", ", SimulatedBoardHardware.ChipNames.Concat(SensorNames.All))}.",
            nameof(chipOrSensorName)),
    };

    private void SetFrozen(string sensorName, bool frozen)
    {
        lock (_gate)
        {
            Quantity q = Find(sensorName);
            if (frozen == q.Frozen)
            {
                return;
            }

            q.Frozen = frozen;
            switch (sensorName)
            {
                case SensorNames.EnclosureTemperature: _hardware.Bme280.TemperatureFrozen = frozen; break;
                case SensorNames.EnclosureHumidity: _hardware.Bme280.HumidityFrozen = frozen; break;
                case SensorNames.AuxVoltage: _hardware.Ina219.BusVoltageFrozen = frozen; break;
                case SensorNames.AuxCurrent: _hardware.Ina219.ShuntVoltageFrozen = frozen; break;
                case SensorNames.ResidualCurrent: _hardware.Ads1115.SetFrozen(0, frozen); break;
                case SensorNames.SupplyVoltage: _hardware.Ads1115.SetFrozen(1, frozen); break;
                default: _hardware.Ads1115.SetFrozen(2, frozen); break;
            }
        }
    }

    private void OnBme280Sampling(object? sender, EventArgs e)
    {
        lock (_gate)
        {
            DateTimeOffset now = _time.GetUtcNow();
            _hardware.Bme280.TemperatureCelsius = Sample(SensorNames.EnclosureTemperature, now);
            _hardware.Bme280.HumidityPercent = Math.Clamp(Sample(SensorNames.EnclosureHumidity, now), 0, 100);
        }
    }

    private void OnIna219Sampling(object? sender, EventArgs e)
    {
        lock (_gate)
        {
            DateTimeOffset now = _time.GetUtcNow();
            _hardware.Ina219.BusVoltageVolts = Sample(SensorNames.AuxVoltage, now);
            _hardware.Ina219.CurrentAmps = Sample(SensorNames.AuxCurrent, now);
        }
    }

    private void OnAds1115Sampling(object? sender, EventArgs e)
    {
        lock (_gate)
        {
            PushAdsVoltages();
        }
    }

    /// <summary>Inverse of the board's analog scaling: physical value → volts at the ADC input. Caller holds the lock.</summary>
    private void PushAdsVoltages()
    {
        DateTimeOffset now = _time.GetUtcNow();
        _hardware.Ads1115.SetVoltage(0, Sample(SensorNames.ResidualCurrent, now) / _options.ResidualCurrentMilliampsPerVolt);
        _hardware.Ads1115.SetVoltage(1, Sample(SensorNames.SupplyVoltage, now) / _options.SupplyVoltsPerVolt);
        _hardware.Ads1115.SetVoltage(2,
            (Sample(SensorNames.ConnectorTemperature, now) - _options.ConnectorTemperatureOffsetCelsius) / _options.ConnectorTemperatureCelsiusPerVolt);
    }

    private double Sample(string name, DateTimeOffset now)
    {
        Quantity q = _quantities[name];
        double value = q.Nominal(now);
        if (NoiseEnabled && !q.Frozen)
        {
            value += ((_random.NextDouble() * 2) - 1) * q.Noise;
        }

        return value;
    }

    private void OnOutputWritten(object? sender, PinValueChangedEventArgs e)
    {
        if (e.PinNumber != _options.ContactorOutputPin)
        {
            return;
        }

        lock (_gate)
        {
            if (_welded)
            {
                return;
            }
        }

        _hardware.SetInput(InputNames.ContactorFeedback, active: e.ChangeType == PinEventTypes.Rising);
    }

    private Quantity Find(string sensorName) =>
        _quantities.TryGetValue(sensorName, out Quantity? q)
            ? q
            : throw new ArgumentException($"Unknown sensor '{sensorName}'. Known sensors: {string.Join(", ", SensorNames.All)}.", nameof(sensorName));

    private static void RequireFinite(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "The value must be a finite number.");
        }
    }

    private sealed record RampState(double From, double To, DateTimeOffset Start, TimeSpan Over);

    private sealed class Quantity(double value, double noise)
    {
        public double Value { get; set; } = value;

        public double Noise { get; } = noise;

        public RampState? Ramp { get; set; }

        public bool Frozen { get; set; }

        public double Nominal(DateTimeOffset now)
        {
            if (Ramp is not { } r)
            {
                return Value;
            }

            double fraction = Math.Clamp((now - r.Start) / r.Over, 0, 1);
            return r.From + ((r.To - r.From) * fraction);
        }
    }
}
