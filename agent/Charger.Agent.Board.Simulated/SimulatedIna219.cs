using System.Device.I2c;

namespace Charger.Agent.Board.Simulated;

/// <summary>
/// An INA219 at register level (TI datasheet SBOS448): configuration 0x00 (reset value 0x399F, bit 15 resets),
/// shunt voltage 0x01 (signed, 10 µV LSB, saturating at the PGA range), bus voltage 0x02 (4 mV LSB in bits 15-3,
/// CNVR bit 1, OVF bit 0), power 0x03 and current 0x04 computed from the calibration register 0x05 as the chip does:
/// current = shunt × cal / 4096, power = current × bus / 5000. Registers are 16-bit big-endian.
/// </summary>
public sealed class SimulatedIna219 : I2cSimulatedDeviceBase
{
    /// <summary>Configuration register value after power-on or reset.</summary>
    public const ushort ResetConfiguration = 0x399F;

    private readonly Lock _gate = new();
    private ushort _configuration = ResetConfiguration;
    private ushort _calibration;
    private short _shunt;
    private ushort _bus;
    private short _current;
    private ushort _power;
    private bool _overflow;
    private bool _converted;

    /// <summary>Creates the chip in its power-on state.</summary>
    public SimulatedIna219(I2cConnectionSettings settings)
        : base(settings)
    {
    }

    /// <summary>Voltage on the bus (IN−) pin [V].</summary>
    public double BusVoltageVolts { get; set; } = 12.0;

    /// <summary>Current through the shunt [A]; negative for reverse flow.</summary>
    public double CurrentAmps { get; set; } = 0.8;

    /// <summary>The shunt resistor fitted on the simulated board [Ω].</summary>
    public double ShuntOhms { get; set; } = 0.1;

    /// <summary>When true the bus voltage register keeps its last conversion.</summary>
    public bool BusVoltageFrozen { get; set; }

    /// <summary>When true the shunt voltage (and so the current) register keeps its last conversion.</summary>
    public bool ShuntVoltageFrozen { get; set; }

    /// <summary>Raised just before a conversion, so a simulator can update the physical values.</summary>
    public event EventHandler? Sampling;

    /// <summary>Reads a register as the bus would (for tests and the console).</summary>
    public ushort PeekRegister(byte register)
    {
        lock (_gate)
        {
            return Get(register, convert: false);
        }
    }

    /// <inheritdoc />
    public override void WriteRead(byte[] inputBuffer, byte[] outputBuffer)
    {
        lock (_gate)
        {
            if (inputBuffer.Length > 0)
            {
                CurrentRegister = inputBuffer[0];
                if (inputBuffer.Length >= 3)
                {
                    Set(CurrentRegister, (ushort)((inputBuffer[1] << 8) | inputBuffer[2]));
                }
            }

            if (outputBuffer.Length > 0)
            {
                ushort value = Get(CurrentRegister, convert: true);
                for (int i = 0; i < outputBuffer.Length; i++)
                {
                    outputBuffer[i] = (i % 2 == 0) ? (byte)(value >> 8) : (byte)value;
                }
            }
        }
    }

    private int Mode => _configuration & 0b111;

    private void Set(byte register, ushort value)
    {
        switch (register)
        {
            case 0x00:
                if ((value & 0x8000) != 0)
                {
                    _configuration = ResetConfiguration;
                    _calibration = 0;
                    _shunt = 0;
                    _bus = 0;
                    _current = 0;
                    _power = 0;
                    _converted = false;
                    return;
                }

                _configuration = (ushort)(value & 0x3FFF);
                if (Mode is >= 1 and <= 3)
                {
                    Convert(); // triggered mode: one conversion per configuration write
                }

                break;
            case 0x05:
                _calibration = (ushort)(value & 0xFFFE); // bit 0 is void and reads 0
                break;
            default:
                break; // measurement registers are read-only
        }
    }

    private ushort Get(byte register, bool convert)
    {
        if (convert && register is >= 0x01 and <= 0x04 && Mode >= 5)
        {
            Convert(); // continuous mode: a fresh conversion is always available
        }

        switch (register)
        {
            case 0x00:
                return _configuration;
            case 0x01:
                return unchecked((ushort)_shunt);
            case 0x02:
                return (ushort)(_bus | (_converted ? 0b10 : 0) | (_overflow ? 0b01 : 0));
            case 0x03:
                if (convert)
                {
                    _converted = false; // reading the power register clears CNVR
                }

                return _power;
            case 0x04:
                return unchecked((ushort)_current);
            case 0x05:
                return _calibration;
            default:
                return 0;
        }
    }

    private void Convert()
    {
        Sampling?.Invoke(this, EventArgs.Empty);
        int pga = (_configuration >> 11) & 0b11;
        int shuntLimit = 4000 << pga; // ±40 mV, ±80 mV, ±160 mV, ±320 mV in 10 µV steps
        int busLimit = (_configuration & 0x2000) != 0 ? 8000 : 4000; // 32 V or 16 V range in 4 mV steps

        if (!ShuntVoltageFrozen || !_converted)
        {
            int shunt = (int)Math.Round(CurrentAmps * ShuntOhms / 10e-6);
            _overflow = Math.Abs(shunt) > shuntLimit;
            _shunt = (short)Math.Clamp(shunt, -shuntLimit, shuntLimit);
        }

        int busCounts = _bus >> 3;
        if (!BusVoltageFrozen || !_converted)
        {
            busCounts = Math.Clamp((int)Math.Round(BusVoltageVolts / 0.004), 0, busLimit);
            _bus = (ushort)(busCounts << 3);
        }

        long current = (long)_shunt * _calibration / 4096;
        _current = (short)Math.Clamp(current, short.MinValue, short.MaxValue);
        _power = (ushort)Math.Min(ushort.MaxValue, Math.Abs((long)_current) * busCounts / 5000);
        _converted = true;
    }
}
