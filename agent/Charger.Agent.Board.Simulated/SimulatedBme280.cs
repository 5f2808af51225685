using System.Device.I2c;

namespace Charger.Agent.Board.Simulated;

/// <summary>
/// A BME280 at register level: chip id 0x60 at 0xD0, trimming at 0x88-0xA1 and 0xE1-0xE7, soft reset at 0xE0,
/// ctrl_hum 0xF2, status 0xF3, ctrl_meas 0xF4 (forced mode 0b01 or 0b10 measures once and returns to sleep;
/// normal mode 0b11 measures on every data read), config 0xF5, raw data 0xF7-0xFE. The raw values are computed
/// from <see cref="TemperatureCelsius"/>, <see cref="HumidityPercent"/> and <see cref="PressurePascals"/> by
/// inverting the Bosch compensation, so the real <c>Bme280</c> driver reads those values back.
/// </summary>
public sealed class SimulatedBme280 : I2cSimulatedDeviceBase
{
    /// <summary>The BME280 chip id.</summary>
    public const byte ChipId = 0x60;

    private const byte RegChipId = 0xD0;
    private const byte RegReset = 0xE0;
    private const byte RegCtrlHum = 0xF2;
    private const byte RegStatus = 0xF3;
    private const byte RegCtrlMeas = 0xF4;
    private const byte RegConfig = 0xF5;
    private const byte RegPress = 0xF7;
    private const byte RegTemp = 0xFA;
    private const byte RegHum = 0xFD;

    private readonly Lock _gate = new();
    private readonly byte[] _registers = new byte[256];
    private int _effectiveHumidityOversampling;
    private int _rawTemperature = 0x80000;
    private int _rawPressure = 0x80000;
    private int _rawHumidity = 0x8000;
    private bool _measured;

    /// <summary>Creates the chip with <see cref="Bme280Trimming.Typical"/> trimming unless given other values.</summary>
    public SimulatedBme280(I2cConnectionSettings settings, Bme280Trimming? trimming = null)
        : base(settings)
    {
        Trimming = trimming ?? Bme280Trimming.Typical;
        LoadTrimming();
        PowerOnReset();
    }

    /// <summary>The trimming values the chip reports.</summary>
    public Bme280Trimming Trimming { get; }

    /// <summary>The air temperature the chip measures [°C].</summary>
    public double TemperatureCelsius { get; set; } = 22.0;

    /// <summary>The relative humidity the chip measures [%].</summary>
    public double HumidityPercent { get; set; } = 45.0;

    /// <summary>The air pressure the chip measures [Pa].</summary>
    public double PressurePascals { get; set; } = 101_325.0;

    /// <summary>When true the temperature ADC value stays exactly as last measured (a stuck sensor).</summary>
    public bool TemperatureFrozen { get; set; }

    /// <summary>When true the humidity ADC value stays exactly as last measured.</summary>
    public bool HumidityFrozen { get; set; }

    /// <summary>When true the pressure ADC value stays exactly as last measured.</summary>
    public bool PressureFrozen { get; set; }

    /// <summary>Number of measurements taken since power-on.</summary>
    public int MeasurementCount { get; private set; }

    /// <summary>Last 20-bit raw temperature (adc_T).</summary>
    public int RawTemperature
    {
        get
        {
            lock (_gate)
            {
                return _rawTemperature;
            }
        }
    }

    /// <summary>Last 16-bit raw humidity (adc_H).</summary>
    public int RawHumidity
    {
        get
        {
            lock (_gate)
            {
                return _rawHumidity;
            }
        }
    }

    /// <summary>Raised just before a measurement, so a simulator can update the physical values.</summary>
    public event EventHandler? Sampling;

    /// <inheritdoc />
    public override void WriteRead(byte[] inputBuffer, byte[] outputBuffer)
    {
        lock (_gate)
        {
            if (inputBuffer.Length > 0)
            {
                CurrentRegister = inputBuffer[0];

                // I2C burst write = pairs of (register, value).
                for (int i = 0; i + 1 < inputBuffer.Length; i += 2)
                {
                    WriteRegister(inputBuffer[i], inputBuffer[i + 1]);
                }
            }

            if (outputBuffer.Length > 0)
            {
                if (CurrentRegister is >= RegPress and <= RegHum + 1 && (_registers[RegCtrlMeas] & 0b11) == 0b11)
                {
                    Measure();
                }

                for (int i = 0; i < outputBuffer.Length; i++)
                {
                    outputBuffer[i] = _registers[(CurrentRegister + i) & 0xFF];
                }

                CurrentRegister = (byte)(CurrentRegister + outputBuffer.Length);
            }
        }
    }

    private void WriteRegister(byte register, byte value)
    {
        switch (register)
        {
            case RegReset:
                if (value == 0xB6)
                {
                    PowerOnReset();
                }

                break;
            case RegCtrlHum:
                _registers[RegCtrlHum] = (byte)(value & 0b111);
                break;
            case RegCtrlMeas:
                _registers[RegCtrlMeas] = value;

                // ctrl_hum only takes effect after a write to ctrl_meas (datasheet §5.4.3).
                _effectiveHumidityOversampling = _registers[RegCtrlHum] & 0b111;
                int mode = value & 0b11;
                if (mode is 0b01 or 0b10)
                {
                    Measure();
                    _registers[RegCtrlMeas] = (byte)(value & ~0b11); // forced mode ends in sleep mode
                }

                break;
            case RegConfig:
                _registers[RegConfig] = (byte)(value & 0b1111_1101);
                break;
            default:
                break; // trimming, id, status and data are read-only
        }
    }

    private void Measure()
    {
        Sampling?.Invoke(this, EventArgs.Empty);
        byte ctrlMeas = _registers[RegCtrlMeas];
        int osrsT = (ctrlMeas >> 5) & 0b111;
        int osrsP = (ctrlMeas >> 2) & 0b111;

        if (osrsT == 0)
        {
            _rawTemperature = 0x80000;
        }
        else if (!TemperatureFrozen || !_measured)
        {
            _rawTemperature = Trimming.RawTemperature(TemperatureCelsius);
        }

        // The driver compensates pressure and humidity with the t_fine of the temperature it read.
        double tFine = Trimming.TemperatureFine(_rawTemperature);

        if (osrsP == 0)
        {
            _rawPressure = 0x80000;
        }
        else if (!PressureFrozen || !_measured)
        {
            _rawPressure = Trimming.RawPressure(PressurePascals, tFine);
        }

        if (_effectiveHumidityOversampling == 0)
        {
            _rawHumidity = 0x8000;
        }
        else if (!HumidityFrozen || !_measured)
        {
            _rawHumidity = Trimming.RawHumidity(HumidityPercent, tFine);
        }

        _measured = true;
        MeasurementCount++;
        Put20(RegPress, _rawPressure);
        Put20(RegTemp, _rawTemperature);
        _registers[RegHum] = (byte)(_rawHumidity >> 8);
        _registers[RegHum + 1] = (byte)_rawHumidity;
    }

    private void Put20(byte register, int value)
    {
        _registers[register] = (byte)(value >> 12);
        _registers[register + 1] = (byte)(value >> 4);
        _registers[register + 2] = (byte)((value & 0xF) << 4);
    }

    private void PowerOnReset()
    {
        _registers[RegChipId] = ChipId;
        _registers[RegReset] = 0;
        _registers[RegCtrlHum] = 0;
        _registers[RegStatus] = 0;
        _registers[RegCtrlMeas] = 0;
        _registers[RegConfig] = 0;
        _effectiveHumidityOversampling = 0;
        Put20(RegPress, 0x80000);
        Put20(RegTemp, 0x80000);
        _registers[RegHum] = 0x80;
        _registers[RegHum + 1] = 0x00;
    }

    private void LoadTrimming()
    {
        Bme280Trimming t = Trimming;
        ushort[] tp = [t.T1, (ushort)t.T2, (ushort)t.T3, t.P1, (ushort)t.P2, (ushort)t.P3, (ushort)t.P4, (ushort)t.P5,
            (ushort)t.P6, (ushort)t.P7, (ushort)t.P8, (ushort)t.P9];
        for (int i = 0; i < tp.Length; i++)
        {
            _registers[0x88 + (2 * i)] = (byte)tp[i];
            _registers[0x89 + (2 * i)] = (byte)(tp[i] >> 8);
        }

        _registers[0xA1] = t.H1;
        _registers[0xE1] = (byte)t.H2;
        _registers[0xE2] = (byte)(t.H2 >> 8);
        _registers[0xE3] = t.H3;
        _registers[0xE4] = (byte)(t.H4 >> 4);
        _registers[0xE5] = (byte)(((t.H5 & 0xF) << 4) | (t.H4 & 0xF));
        _registers[0xE6] = (byte)(t.H5 >> 4);
        _registers[0xE7] = (byte)t.H6;
    }
}
