using System.ComponentModel.DataAnnotations;
using System.Device.Gpio;
using System.Device.I2c;
using Charger.Agent.Core.Board;

namespace Charger.Agent.Board.Simulated;

/// <summary>
/// The simulated board's buses: a BME280, an INA219 and an ADS1115 on the I2C bus and a
/// <see cref="SimulatedGpioDriver"/>, at the addresses and pins of a <see cref="BoardOptions"/>.
/// Plug it into <see cref="IotBoard"/> in place of <see cref="HardwareBoardBus"/>. Each chip (and the GPIO chip)
/// can be made to fail: every transfer then throws <see cref="IOException"/>, like a dead I2C device.
/// Input levels start inactive (taking the active-low flags into account).
/// </summary>
public sealed class SimulatedBoardHardware : IBoardBus
{
    /// <summary>Chip names accepted by <see cref="Fail"/> and <see cref="Restore"/>.</summary>
    public const string Bme280Chip = IotBoard.Bme280Chip;

    /// <inheritdoc cref="Bme280Chip"/>
    public const string Ina219Chip = IotBoard.Ina219Chip;

    /// <inheritdoc cref="Bme280Chip"/>
    public const string Ads1115Chip = IotBoard.Ads1115Chip;

    /// <inheritdoc cref="Bme280Chip"/>
    public const string GpioChip = "gpio";

    /// <summary>Every chip name.</summary>
    public static IReadOnlyList<string> ChipNames { get; } = [Bme280Chip, Ina219Chip, Ads1115Chip, GpioChip];

    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private GpioController? _gpio;

    /// <summary>Builds the chips for <paramref name="options"/> (validated).</summary>
    public SimulatedBoardHardware(BoardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        BoardOptionsValidator.ThrowIfInvalid(options);
        Options = options;
        Bme280 = new SimulatedBme280(new I2cConnectionSettings(options.I2cBusId, options.Bme280Address));
        Ina219 = new SimulatedIna219(new I2cConnectionSettings(options.I2cBusId, options.Ina219Address)) { ShuntOhms = options.Ina219ShuntOhms };
        Ads1115 = new SimulatedAds1115(new I2cConnectionSettings(options.I2cBusId, options.Ads1115Address));

        int maxPin = new[]
        {
            options.EmergencyStopPin, options.DoorPin, options.RcdPin, options.ContactorFeedbackPin,
            options.SurgeProtectionPin, options.EnergyPulsePin, options.ContactorOutputPin,
        }.Max();
        GpioDriver = new SimulatedGpioDriver(Math.Max(64, maxPin + 1));
        foreach (string input in new[] { InputNames.EmergencyStop, InputNames.Door, InputNames.RcdTrip, InputNames.ContactorFeedback, InputNames.SurgeProtection })
        {
            SetInput(input, active: false);
        }
    }

    /// <summary>The options the board was built for.</summary>
    public BoardOptions Options { get; }

    /// <summary>The simulated BME280.</summary>
    public SimulatedBme280 Bme280 { get; }

    /// <summary>The simulated INA219.</summary>
    public SimulatedIna219 Ina219 { get; }

    /// <summary>The simulated ADS1115.</summary>
    public SimulatedAds1115 Ads1115 { get; }

    /// <summary>The simulated GPIO lines.</summary>
    public SimulatedGpioDriver GpioDriver { get; }

    /// <inheritdoc />
    public GpioController Gpio
    {
        get
        {
            lock (_gate)
            {
                return _gpio ??= new GpioController(GpioDriver);
            }
        }
    }

    /// <inheritdoc />
    public I2cDevice CreateI2cDevice(int busId, int address) => new SimulatedI2cConnection(this, busId, address);

    /// <summary>Makes a chip (<see cref="ChipNames"/>) stop answering.</summary>
    public void Fail(string chip) => SetFailed(chip, true);

    /// <summary>Makes a failed chip answer again.</summary>
    public void Restore(string chip) => SetFailed(chip, false);

    /// <summary>Whether a chip is failed.</summary>
    public bool IsFailed(string chip)
    {
        lock (_gate)
        {
            return _failed.Contains(chip);
        }
    }

    /// <summary>Drives a named input (<see cref="InputNames"/>) to its active or inactive level.</summary>
    public void SetInput(string inputName, bool active)
    {
        int pin = Options.PinOf(inputName);
        bool high = active != Options.IsActiveLow(inputName);
        GpioDriver.SetInput(pin, high ? PinValue.High : PinValue.Low);
    }

    /// <summary>The chip answering at an I2C address, or null.</summary>
    internal (I2cSimulatedDeviceBase Chip, string Name)? ChipAt(int busId, int address)
    {
        if (busId != Options.I2cBusId)
        {
            return null;
        }

        if (address == Options.Bme280Address)
        {
            return (Bme280, Bme280Chip);
        }

        if (address == Options.Ina219Address)
        {
            return (Ina219, Ina219Chip);
        }

        if (address == Options.Ads1115Address)
        {
            return (Ads1115, Ads1115Chip);
        }

        return null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _gpio?.Dispose();
            _gpio = null;
        }

        Bme280.Dispose();
        Ina219.Dispose();
        Ads1115.Dispose();
    }

    private void SetFailed(string chip, bool failed)
    {
        if (!ChipNames.Contains(chip, StringComparer.Ordinal))
        {
            throw new ArgumentException($"Unknown chip '{chip}'. Known chips: {string.Join(", ", ChipNames)}.", nameof(chip));
        }

        lock (_gate)
        {
            if (failed)
            {
                _failed.Add(chip);
            }
            else
            {
                _failed.Remove(chip);
            }
        }

        if (chip == GpioChip)
        {
            GpioDriver.Failed = failed;
        }
    }
}

/// <summary>
/// One driver's connection to a simulated chip. Disposing it leaves the chip alone (a driver re-created after a
/// failure talks to the same chip); a failed or absent chip makes every transfer throw like a NACK on a real bus.
/// </summary>
internal sealed class SimulatedI2cConnection(SimulatedBoardHardware hardware, int busId, int address) : I2cDevice
{
    public override I2cConnectionSettings ConnectionSettings { get; } = new(busId, address);

    public override byte ReadByte()
    {
        byte[] buffer = new byte[1];
        Transfer([], buffer);
        return buffer[0];
    }

    public override void Read(Span<byte> buffer)
    {
        byte[] output = new byte[buffer.Length];
        Transfer([], output);
        output.CopyTo(buffer);
    }

    public override void WriteByte(byte value) => Transfer([value], []);

    public override void Write(ReadOnlySpan<byte> buffer) => Transfer(buffer.ToArray(), []);

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        byte[] output = new byte[readBuffer.Length];
        Transfer(writeBuffer.ToArray(), output);
        output.CopyTo(readBuffer);
    }

    private void Transfer(byte[] input, byte[] output)
    {
        var chip = hardware.ChipAt(busId, address);
        if (chip is null || hardware.IsFailed(chip.Value.Name))
        {
            throw new IOException($"Error 121 performing I2C data transfer to 0x{address:X2} on bus {busId}: remote I/O error (simulated).");
        }

        chip.Value.Chip.WriteRead(input, output);
    }
}
