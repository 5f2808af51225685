using System.ComponentModel.DataAnnotations;
using Iot.Device.Ads1115;

namespace Charger.Agent.Board;

/// <summary>
/// Bus, chip and pin assignments of the charger board, with the scaling of its analog channels.
/// Bound from the configuration section <see cref="SectionName"/> and validated with DataAnnotations.
/// </summary>
public sealed class BoardOptions : IValidatableObject
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Board";

    /// <summary>Board model reported in <c>boot</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    [StringLength(64)]
    public string Model { get; set; } = "EVB-1";

    /// <summary>Board serial number reported in <c>boot</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    [StringLength(64)]
    public string Serial { get; set; } = "0000000";

    /// <summary>Board firmware version reported in <c>boot</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    [StringLength(64)]
    public string FirmwareVersion { get; set; } = "1.0.0";

    /// <summary>Linux I2C bus number (<c>/dev/i2c-N</c>).</summary>
    [Range(0, 255)]
    public int I2cBusId { get; set; } = 1;

    /// <summary>7-bit address of the BME280 (0x76 with SDO to GND, 0x77 with SDO to VDDIO).</summary>
    [Range(0x76, 0x77)]
    public int Bme280Address { get; set; } = 0x76;

    /// <summary>7-bit address of the INA219 (0x40-0x4F, set by A0/A1).</summary>
    [Range(0x40, 0x4F)]
    public int Ina219Address { get; set; } = 0x40;

    /// <summary>INA219 shunt resistor [Ω].</summary>
    [Range(0.001, 10.0)]
    public double Ina219ShuntOhms { get; set; } = 0.1;

    /// <summary>
    /// Largest current the INA219 must measure [A]. Sets the current LSB (rounded up to 1, 2 or 5 × 10^n A)
    /// and the calibration register. Max × shunt must stay within the ±320 mV shunt range.
    /// </summary>
    [Range(0.001, 100.0)]
    public double Ina219MaxCurrentAmps { get; set; } = 3.2;

    /// <summary>7-bit address of the ADS1115 (0x48-0x4B, set by ADDR).</summary>
    [Range(0x48, 0x4B)]
    public int Ads1115Address { get; set; } = 0x48;

    /// <summary>ADS1115 programmable-gain full scale used for every channel.</summary>
    [EnumDataType(typeof(MeasuringRange))]
    public MeasuringRange Ads1115Range { get; set; } = MeasuringRange.FS4096;

    /// <summary>Residual-current monitor output scaling on ADS1115 channel 0 [mA per V].</summary>
    [Range(0.001, 1_000_000.0)]
    public double ResidualCurrentMilliampsPerVolt { get; set; } = 10.0;

    /// <summary>Supply-voltage divider ratio on ADS1115 channel 1 [V mains per V at the ADC].</summary>
    [Range(0.001, 1_000_000.0)]
    public double SupplyVoltsPerVolt { get; set; } = 100.0;

    /// <summary>Connector temperature transducer slope on ADS1115 channel 2 [°C per V].</summary>
    [Range(0.001, 10_000.0)]
    public double ConnectorTemperatureCelsiusPerVolt { get; set; } = 100.0;

    /// <summary>Connector temperature at 0 V on ADS1115 channel 2 [°C].</summary>
    [Range(-1000.0, 1000.0)]
    public double ConnectorTemperatureOffsetCelsius { get; set; } = -50.0;

    /// <summary>GPIO (logical, BCM numbering) of the emergency-stop input.</summary>
    [Range(0, 1023)]
    public int EmergencyStopPin { get; set; } = 5;

    /// <summary>GPIO of the door / tamper switch input.</summary>
    [Range(0, 1023)]
    public int DoorPin { get; set; } = 6;

    /// <summary>GPIO of the RCD trip input.</summary>
    [Range(0, 1023)]
    public int RcdPin { get; set; } = 13;

    /// <summary>GPIO of the contactor auxiliary (feedback) contact input.</summary>
    [Range(0, 1023)]
    public int ContactorFeedbackPin { get; set; } = 19;

    /// <summary>GPIO of the surge-protection-device status input.</summary>
    [Range(0, 1023)]
    public int SurgeProtectionPin { get; set; } = 26;

    /// <summary>GPIO of the energy meter's S0 pulse output (counted on rising edges).</summary>
    [Range(0, 1023)]
    public int EnergyPulsePin { get; set; } = 21;

    /// <summary>GPIO output driving the contactor coil relay (high = closed).</summary>
    [Range(0, 1023)]
    public int ContactorOutputPin { get; set; } = 20;

    /// <summary>True when a LOW level on the e-stop pin means "pressed".</summary>
    public bool EmergencyStopActiveLow { get; set; } = true;

    /// <summary>True when a LOW level on the door pin means "open".</summary>
    public bool DoorActiveLow { get; set; }

    /// <summary>True when a LOW level on the RCD pin means "tripped".</summary>
    public bool RcdActiveLow { get; set; }

    /// <summary>True when a LOW level on the feedback pin means "contactor closed".</summary>
    public bool ContactorFeedbackActiveLow { get; set; }

    /// <summary>True when a LOW level on the SPD pin means "tripped".</summary>
    public bool SurgeProtectionActiveLow { get; set; } = true;

    /// <summary>Energy meter S0 constant [pulses per kWh].</summary>
    [Range(1, 100_000)]
    public int S0PulsesPerKwh { get; set; } = 1000;

    /// <summary>The five input pins by <see cref="Core.Board.InputNames"/> name.</summary>
    public int PinOf(string inputName) => inputName switch
    {
        Core.Board.InputNames.EmergencyStop => EmergencyStopPin,
        Core.Board.InputNames.Door => DoorPin,
        Core.Board.InputNames.RcdTrip => RcdPin,
        Core.Board.InputNames.ContactorFeedback => ContactorFeedbackPin,
        Core.Board.InputNames.SurgeProtection => SurgeProtectionPin,
        Core.Board.InputNames.EnergyPulse => EnergyPulsePin,
        Core.Board.InputNames.ContactorCommand => ContactorOutputPin,
        _ => throw new ArgumentException($"Unknown input '{inputName}'.", nameof(inputName)),
    };

    /// <summary>Whether the named input is active-low (false for the S0 input and the contactor output).</summary>
    public bool IsActiveLow(string inputName) => inputName switch
    {
        Core.Board.InputNames.EmergencyStop => EmergencyStopActiveLow,
        Core.Board.InputNames.Door => DoorActiveLow,
        Core.Board.InputNames.RcdTrip => RcdActiveLow,
        Core.Board.InputNames.ContactorFeedback => ContactorFeedbackActiveLow,
        Core.Board.InputNames.SurgeProtection => SurgeProtectionActiveLow,
        Core.Board.InputNames.EnergyPulse or Core.Board.InputNames.ContactorCommand => false,
        _ => throw new ArgumentException($"Unknown input '{inputName}'.", nameof(inputName)),
    };

    /// <summary>INA219 current LSB [A]: max current / 32768 rounded up to 1, 2 or 5 × 10^n.</summary>
    public double Ina219CurrentLsbAmps
    {
        get
        {
            double raw = Ina219MaxCurrentAmps / 32768.0;
            double decade = Math.Pow(10, Math.Floor(Math.Log10(raw)));
            foreach (double step in (ReadOnlySpan<double>)[1, 2, 5, 10])
            {
                if (step * decade >= raw * (1 - 1e-12))
                {
                    return step * decade;
                }
            }

            return 10 * decade;
        }
    }

    /// <summary>INA219 calibration register: trunc(0.04096 / (current LSB × shunt)), datasheet eq. 1.</summary>
    public ushort Ina219Calibration =>
        (ushort)((int)Math.Min(0xFFFE, Math.Truncate(0.04096 / (Ina219CurrentLsbAmps * Ina219ShuntOhms))) & 0xFFFE);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var pins = new (string Name, int Pin)[]
        {
            (nameof(EmergencyStopPin), EmergencyStopPin), (nameof(DoorPin), DoorPin), (nameof(RcdPin), RcdPin),
            (nameof(ContactorFeedbackPin), ContactorFeedbackPin), (nameof(SurgeProtectionPin), SurgeProtectionPin),
            (nameof(EnergyPulsePin), EnergyPulsePin), (nameof(ContactorOutputPin), ContactorOutputPin),
        };
        foreach (var group in pins.GroupBy(p => p.Pin).Where(g => g.Count() > 1))
        {
            string[] names = group.Select(p => p.Name).ToArray();
            yield return new ValidationResult(
                $"Board pins must differ: {string.Join(", ", names)} all use GPIO {group.Key}.", names);
        }

        if (Ina219MaxCurrentAmps * Ina219ShuntOhms > 0.32 + 1e-9)
        {
            yield return new ValidationResult(
                $"Ina219MaxCurrentAmps × Ina219ShuntOhms = {Ina219MaxCurrentAmps * Ina219ShuntOhms:0.###} V exceeds the INA219's ±0.32 V shunt range.",
                [nameof(Ina219MaxCurrentAmps), nameof(Ina219ShuntOhms)]);
        }

        double calibration = 0.04096 / (Ina219CurrentLsbAmps * Ina219ShuntOhms);
        if (calibration < 1 || calibration > 0xFFFE)
        {
            yield return new ValidationResult(
                $"Ina219MaxCurrentAmps and Ina219ShuntOhms give an INA219 calibration of {calibration:0}, outside 1..65534.",
                [nameof(Ina219MaxCurrentAmps), nameof(Ina219ShuntOhms)]);
        }
    }
}
