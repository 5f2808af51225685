using System.Device.I2c;

namespace Charger.Agent.Board.Simulated;

/// <summary>
/// An ADS1115 at register level (TI datasheet SBAS444): conversion 0x00 (signed 16-bit, LSB = FSR / 32768,
/// saturating at 0x7FFF / 0x8000), config 0x01 (OS, MUX, PGA, MODE, DR, comparator bits; reset 0x8583),
/// Lo_thresh 0x02 and Hi_thresh 0x03. Single-shot mode converts when OS is written as 1 and then reads OS = 1
/// (idle); continuous mode converts on every conversion-register read and reads OS = 0 (busy).
/// Conversions complete instantly.
/// </summary>
public sealed class SimulatedAds1115 : I2cSimulatedDeviceBase
{
    /// <summary>Config register value after power-on.</summary>
    public const ushort ResetConfiguration = 0x8583;

    private static readonly double[] FullScale = [6.144, 4.096, 2.048, 1.024, 0.512, 0.256, 0.256, 0.256];

    private readonly Lock _gate = new();

    // Input voltages have their own leaf lock: a simulator sets them while holding its own lock, and the chip calls the
    // simulator (Sampling) while holding _gate, so sharing _gate would allow a lock-order deadlock.
    private readonly Lock _inputGate = new();
    private readonly double[] _voltages = new double[4];
    private readonly double?[] _frozen = new double?[4];
    private ushort _config = ResetConfiguration & 0x7FFF;
    private short _conversion;
    private ushort _loThreshold = 0x8000;
    private ushort _hiThreshold = 0x7FFF;

    /// <summary>Creates the chip in its power-on state with 0 V on every input.</summary>
    public SimulatedAds1115(I2cConnectionSettings settings)
        : base(settings)
    {
    }

    /// <summary>Raised just before a conversion, so a simulator can update the input voltages.</summary>
    public event EventHandler? Sampling;

    /// <summary>Number of conversions since power-on.</summary>
    public int ConversionCount { get; private set; }

    /// <summary>The last conversion result.</summary>
    public short LastConversion
    {
        get
        {
            lock (_gate)
            {
                return _conversion;
            }
        }
    }

    /// <summary>Sets the voltage on input AIN<paramref name="channel"/> (against GND) [V].</summary>
    public void SetVoltage(int channel, double volts)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channel, 3);
        lock (_inputGate)
        {
            _voltages[channel] = volts;
        }
    }

    /// <summary>The voltage on input AIN<paramref name="channel"/> [V].</summary>
    public double GetVoltage(int channel)
    {
        lock (_inputGate)
        {
            return _voltages[channel];
        }
    }

    /// <summary>Freezes an input: its conversions keep returning the code of the voltage it has now (a stuck sensor).</summary>
    public void SetFrozen(int channel, bool frozen)
    {
        lock (_inputGate)
        {
            _frozen[channel] = frozen ? (_frozen[channel] ?? _voltages[channel]) : null;
        }
    }

    /// <summary>The code the chip gives for <paramref name="volts"/> at the full scale of PGA setting <paramref name="pga"/> (0-7).</summary>
    public static short Code(double volts, int pga)
    {
        double lsb = FullScale[pga & 0b111] / 32768.0;
        return (short)Math.Clamp(Math.Round(volts / lsb), short.MinValue, short.MaxValue);
    }

    /// <inheritdoc />
    public override void WriteRead(byte[] inputBuffer, byte[] outputBuffer)
    {
        lock (_gate)
        {
            if (inputBuffer.Length > 0)
            {
                CurrentRegister = (byte)(inputBuffer[0] & 0b11);
                if (inputBuffer.Length >= 3)
                {
                    Write(CurrentRegister, (ushort)((inputBuffer[1] << 8) | inputBuffer[2]));
                }
            }

            if (outputBuffer.Length > 0)
            {
                ushort value = Read(CurrentRegister);
                for (int i = 0; i < outputBuffer.Length; i++)
                {
                    outputBuffer[i] = (i % 2 == 0) ? (byte)(value >> 8) : (byte)value;
                }
            }
        }
    }

    private bool SingleShot => (_config & 0x0100) != 0;

    private void Write(byte register, ushort value)
    {
        switch (register)
        {
            case 0x01:
                _config = (ushort)(value & 0x7FFF);
                bool startSingleShot = (value & 0x8000) != 0 && SingleShot;
                if (startSingleShot || !SingleShot)
                {
                    Convert();
                }

                break;
            case 0x02:
                _loThreshold = value;
                break;
            case 0x03:
                _hiThreshold = value;
                break;
            default:
                break; // the conversion register is read-only
        }
    }

    private ushort Read(byte register) => register switch
    {
        0x00 => ReadConversion(),
        0x01 => (ushort)(_config | (SingleShot ? 0x8000 : 0)),
        0x02 => _loThreshold,
        _ => _hiThreshold,
    };

    private ushort ReadConversion()
    {
        if (!SingleShot)
        {
            Convert();
        }

        return unchecked((ushort)_conversion);
    }

    private void Convert()
    {
        Sampling?.Invoke(this, EventArgs.Empty);
        int mux = (_config >> 12) & 0b111;
        int pga = (_config >> 9) & 0b111;
        double volts = mux switch
        {
            0b000 => Input(0) - Input(1),
            0b001 => Input(0) - Input(3),
            0b010 => Input(1) - Input(3),
            0b011 => Input(2) - Input(3),
            _ => Input(mux - 0b100),
        };
        _conversion = Code(volts, pga);
        ConversionCount++;
    }

    private double Input(int channel)
    {
        lock (_inputGate)
        {
            return _frozen[channel] ?? _voltages[channel];
        }
    }
}
