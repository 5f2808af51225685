using System.ComponentModel.DataAnnotations;
using System.Device.Gpio;
using System.Device.I2c;
using Charger.Agent.Core.Board;
using Iot.Device.Adc;
using Iot.Device.Ads1115;
using Iot.Device.Bmxx80;
using Iot.Device.Bmxx80.PowerMode;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Charger.Agent.Board;

/// <summary>
/// The charger board read through the Iot.Device.Bindings drivers: BME280 (enclosure), INA219 (aux rail),
/// ADS1115 (RCM, supply voltage, connector temperature) on I2C, and the digital inputs, S0 pulse input and
/// contactor output on GPIO. A failing chip never throws out of <see cref="ReadAsync"/>: its readings carry the
/// error and the driver is re-created on the next read.
/// </summary>
public sealed class IotBoard : IBoard
{
    /// <summary>Chip names used in errors and logs.</summary>
    public const string Bme280Chip = "bme280";

    /// <inheritdoc cref="Bme280Chip"/>
    public const string Ina219Chip = "ina219";

    /// <inheritdoc cref="Bme280Chip"/>
    public const string Ads1115Chip = "ads1115";

    private static readonly string[] InputPins =
    [
        InputNames.EmergencyStop, InputNames.Door, InputNames.RcdTrip, InputNames.ContactorFeedback, InputNames.SurgeProtection,
    ];

    private readonly BoardOptions _options;
    private readonly IBoardBus _bus;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _readGate = new(1, 1);
    private readonly Lock _gpioGate = new();
    private readonly Dictionary<string, bool> _chipFailed = new(StringComparer.Ordinal)
    {
        [Bme280Chip] = false, [Ina219Chip] = false, [Ads1115Chip] = false,
    };

    private I2cDevice? _bmeDevice;
    private Bme280? _bme;
    private I2cDevice? _inaDevice;
    private Ina219? _ina;
    private I2cDevice? _adsDevice;
    private Ads1115? _ads;

    private GpioController? _gpio;
    private bool _pinsOpen;
    private bool _s0Registered;
    private bool _gpioFailed;
    private long _pulses;
    private volatile bool _contactorCommand;
    private bool _disposed;

    /// <summary>Creates the board. Validates <paramref name="options"/>; touches no chip until the first read.</summary>
    /// <param name="options">Bus, chip and pin assignments.</param>
    /// <param name="bus">Real or simulated buses. Not disposed by the board.</param>
    /// <param name="logger">Logger for chip failures and recoveries.</param>
    /// <param name="timeProvider">Clock for snapshot timestamps (system clock by default).</param>
    /// <exception cref="ValidationException">The options are invalid.</exception>
    public IotBoard(BoardOptions options, IBoardBus bus, ILogger<IotBoard>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(bus);
        BoardOptionsValidator.ThrowIfInvalid(options);
        _options = options;
        _bus = bus;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        Identity = new BoardIdentity(options.Model, options.Serial, options.FirmwareVersion);
        BoardLog.Opened(_logger, options.Model, options.Serial, options.I2cBusId);

        // Open the GPIO lines now so that S0 pulses are counted from the start.
        lock (_gpioGate)
        {
            try
            {
                EnsureGpioOpen();
            }
            catch (Exception ex)
            {
                _gpioFailed = true;
                BoardLog.GpioFailed(_logger, ex.Message, ex);
            }
        }
    }

    /// <inheritdoc />
    public BoardIdentity Identity { get; }

    /// <inheritdoc />
    public async ValueTask<BoardSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _readGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var sensors = new Dictionary<string, SensorReading>(StringComparer.Ordinal);
            await ReadBme280Async(sensors, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            ReadIna219(sensors);
            cancellationToken.ThrowIfCancellationRequested();
            ReadAds1115(sensors);
            DigitalInputs? inputs = ReadInputs();
            return new BoardSnapshot(_time.GetUtcNow(), sensors, inputs, Interlocked.Read(ref _pulses), _contactorCommand);
        }
        finally
        {
            _readGate.Release();
        }
    }

    /// <inheritdoc />
    public void SetContactor(bool closed)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _contactorCommand = closed;
        lock (_gpioGate)
        {
            try
            {
                EnsureGpioOpen();
                _gpio!.Write(_options.ContactorOutputPin, closed ? PinValue.High : PinValue.Low);
            }
            catch (Exception ex)
            {
                BoardLog.ContactorWriteFailed(_logger, closed, ex);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        lock (_gpioGate)
        {
            try
            {
                if (_gpio is not null && _s0Registered)
                {
                    _gpio.UnregisterCallbackForPinValueChangedEvent(_options.EnergyPulsePin, OnEnergyPulse);
                }
            }
            catch (Exception)
            {
                // The controller may already be gone; nothing more to release.
            }

            _s0Registered = false;
        }

        // The drivers are dropped, not disposed: Ads1115.Dispose writes to the chip (and sleeps and throws when it is dead).
        DropBme280();
        DropIna219();
        DropAds1115();
        _readGate.Dispose();
    }

    private async ValueTask ReadBme280Async(Dictionary<string, SensorReading> sensors, CancellationToken cancellationToken)
    {
        try
        {
            if (_bme is null)
            {
                _bmeDevice = _bus.CreateI2cDevice(_options.I2cBusId, _options.Bme280Address);
                _bme = new Bme280(_bmeDevice); // reads chip id and trimming, resets, x1 oversampling
            }

            // Forced mode: one measurement, then the chip returns to sleep.
            _bme.SetPowerMode(Bmx280PowerMode.Forced);
            await Task.Delay(_bme.GetMeasurementDuration(), cancellationToken).ConfigureAwait(false);
            bool tOk = _bme.TryReadTemperature(out var temperature);
            bool hOk = _bme.TryReadHumidity(out var humidity);
            Put(sensors, SensorNames.EnclosureTemperature, tOk ? temperature.DegreesCelsius : null, tOk ? null : "temperature measurement skipped");
            Put(sensors, SensorNames.EnclosureHumidity, hOk ? humidity.Percent : null, hOk ? null : "humidity measurement skipped");
            Recovered(Bme280Chip, _options.Bme280Address);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            DropBme280();
            Failed(sensors, Bme280Chip, _options.Bme280Address, ex, SensorNames.EnclosureTemperature, SensorNames.EnclosureHumidity);
        }
    }

    private void ReadIna219(Dictionary<string, SensorReading> sensors)
    {
        double lsb = _options.Ina219CurrentLsbAmps;
        try
        {
            if (_ina is null)
            {
                _inaDevice = _bus.CreateI2cDevice(_options.I2cBusId, _options.Ina219Address);
                _ina = new Ina219(_inaDevice);
                _ina.Reset(); // 32 V range, ±320 mV shunt range, 12-bit, continuous
                _ina.SetCalibration(_options.Ina219Calibration, (float)lsb);
            }

            double volts = _ina.ReadBusVoltage().Volts;

            // Iot.Device.Bindings 4.2.0 reads the current register as unsigned: recover the register value and
            // reinterpret it as the two's-complement number the chip wrote (negative current = reverse flow).
            double unsignedAmps = _ina.ReadCurrent().Amperes;
            int register = (int)Math.Round(unsignedAmps / (float)lsb);
            short signedRegister = unchecked((short)(ushort)register);
            double amps = signedRegister * lsb;

            Put(sensors, SensorNames.AuxVoltage, volts);
            Put(sensors, SensorNames.AuxCurrent, amps);
            Recovered(Ina219Chip, _options.Ina219Address);
        }
        catch (Exception ex)
        {
            DropIna219();
            Failed(sensors, Ina219Chip, _options.Ina219Address, ex, SensorNames.AuxVoltage, SensorNames.AuxCurrent);
        }
    }

    private void ReadAds1115(Dictionary<string, SensorReading> sensors)
    {
        try
        {
            if (_ads is null)
            {
                _adsDevice = _bus.CreateI2cDevice(_options.I2cBusId, _options.Ads1115Address);

                // Single-shot mode: each read starts a conversion on the selected channel and waits for it.
                _ads = new Ads1115(_adsDevice, InputMultiplexer.AIN0, _options.Ads1115Range, DataRate.SPS860, DeviceMode.PowerDown);
            }

            double v0 = _ads.ReadVoltage(InputMultiplexer.AIN0).Volts;
            double v1 = _ads.ReadVoltage(InputMultiplexer.AIN1).Volts;
            double v2 = _ads.ReadVoltage(InputMultiplexer.AIN2).Volts;
            Put(sensors, SensorNames.ResidualCurrent, v0 * _options.ResidualCurrentMilliampsPerVolt);
            Put(sensors, SensorNames.SupplyVoltage, v1 * _options.SupplyVoltsPerVolt);
            Put(sensors, SensorNames.ConnectorTemperature,
                (v2 * _options.ConnectorTemperatureCelsiusPerVolt) + _options.ConnectorTemperatureOffsetCelsius);
            Recovered(Ads1115Chip, _options.Ads1115Address);
        }
        catch (Exception ex)
        {
            DropAds1115();
            Failed(sensors, Ads1115Chip, _options.Ads1115Address, ex,
                SensorNames.ResidualCurrent, SensorNames.SupplyVoltage, SensorNames.ConnectorTemperature);
        }
    }

    private DigitalInputs? ReadInputs()
    {
        lock (_gpioGate)
        {
            try
            {
                EnsureGpioOpen();
                var inputs = new DigitalInputs(
                    EmergencyStop: IsActive(InputNames.EmergencyStop),
                    DoorOpen: IsActive(InputNames.Door),
                    RcdTripped: IsActive(InputNames.RcdTrip),
                    ContactorFeedbackClosed: IsActive(InputNames.ContactorFeedback),
                    SurgeProtectionTripped: IsActive(InputNames.SurgeProtection));
                if (_gpioFailed)
                {
                    _gpioFailed = false;
                    BoardLog.GpioRecovered(_logger);
                }

                return inputs;
            }
            catch (Exception ex)
            {
                if (!_gpioFailed)
                {
                    _gpioFailed = true;
                    BoardLog.GpioFailed(_logger, ex.Message, ex);
                }

                return null;
            }
        }
    }

    private bool IsActive(string input)
    {
        bool high = _gpio!.Read(_options.PinOf(input)) == PinValue.High;
        return high != _options.IsActiveLow(input);
    }

    /// <summary>Opens every pin once; a partial failure is retried on the next call. Caller holds <see cref="_gpioGate"/>.</summary>
    private void EnsureGpioOpen()
    {
        _gpio ??= _bus.Gpio;
        if (!_pinsOpen)
        {
            foreach (string input in InputPins)
            {
                _gpio.OpenPin(_options.PinOf(input), PinMode.Input);
            }

            _gpio.OpenPin(_options.EnergyPulsePin, PinMode.Input);
            _gpio.OpenPin(_options.ContactorOutputPin, PinMode.Output, _contactorCommand ? PinValue.High : PinValue.Low);
            _pinsOpen = true;
        }

        if (!_s0Registered)
        {
            _gpio.RegisterCallbackForPinValueChangedEvent(_options.EnergyPulsePin, PinEventTypes.Rising, OnEnergyPulse);
            _s0Registered = true;
        }
    }

    private void OnEnergyPulse(object sender, PinValueChangedEventArgs e) => Interlocked.Increment(ref _pulses);

    private static void Put(Dictionary<string, SensorReading> sensors, string name, double? value, string? error = null) =>
        sensors[name] = new SensorReading(name, value, SensorNames.UnitOf(name), error);

    private void Failed(Dictionary<string, SensorReading> sensors, string chip, int address, Exception ex, params string[] names)
    {
        string error = $"{chip} at 0x{address:X2}: {ex.GetType().Name}: {ex.Message}";
        foreach (string name in names)
        {
            Put(sensors, name, null, error);
        }

        if (!_chipFailed[chip])
        {
            _chipFailed[chip] = true;
            BoardLog.ChipFailed(_logger, chip, address, ex.Message, ex);
        }
        else
        {
            BoardLog.ChipStillFailing(_logger, chip, ex.Message);
        }
    }

    private void Recovered(string chip, int address)
    {
        if (_chipFailed[chip])
        {
            _chipFailed[chip] = false;
            BoardLog.ChipRecovered(_logger, chip, address);
        }
    }

    private void DropBme280()
    {
        _bme = null;
        SafeDispose(ref _bmeDevice);
    }

    private void DropIna219()
    {
        _ina = null;
        SafeDispose(ref _inaDevice);
    }

    private void DropAds1115()
    {
        _ads = null;
        SafeDispose(ref _adsDevice);
    }

    private static void SafeDispose(ref I2cDevice? device)
    {
        try
        {
            device?.Dispose();
        }
        catch (Exception)
        {
            // A dead device may fail to close; it is abandoned either way.
        }

        device = null;
    }
}
