using System.Device.I2c;
using Charger.Agent.Board.Simulated;
using Iot.Device.Adc;
using Iot.Device.Ads1115;
using Iot.Device.Bmxx80;
using Iot.Device.Bmxx80.PowerMode;

namespace Charger.Agent.Board.Tests;

/// <summary>Each simulated chip read through the real Iot.Device.Bindings 4.2.0 driver.</summary>
public class ChipTests
{
    private static readonly I2cConnectionSettings Bus1 = new(1, 0x76);

    [Theory]
    [InlineData(-40.0)]
    [InlineData(-12.3)]
    [InlineData(0.0)]
    [InlineData(22.0)]
    [InlineData(25.08)]
    [InlineData(60.5)]
    [InlineData(85.0)]
    public void Bme280_driver_reads_the_temperature_the_simulator_was_set_to(double celsius)
    {
        using var chip = new SimulatedBme280(Bus1) { TemperatureCelsius = celsius };
        using var driver = new Bme280(chip);

        var result = driver.Read();

        Assert.NotNull(result.Temperature);
        Assert.Equal(celsius, result.Temperature.Value.DegreesCelsius, 0.01);
    }

    [Theory]
    [InlineData(5.0, -20.0)]
    [InlineData(45.0, 22.0)]
    [InlineData(80.0, 35.0)]
    [InlineData(98.0, 60.0)]
    public void Bme280_driver_reads_the_humidity_the_simulator_was_set_to(double percent, double celsius)
    {
        using var chip = new SimulatedBme280(Bus1) { TemperatureCelsius = celsius, HumidityPercent = percent };
        using var driver = new Bme280(chip);

        var result = driver.Read();

        Assert.NotNull(result.Humidity);
        Assert.Equal(percent, result.Humidity.Value.Percent, 0.05);
    }

    [Fact]
    public void Bme280_driver_reads_the_pressure_the_simulator_was_set_to()
    {
        using var chip = new SimulatedBme280(Bus1) { PressurePascals = 96_500 };
        using var driver = new Bme280(chip);

        var result = driver.Read();

        Assert.NotNull(result.Pressure);
        Assert.Equal(96_500, result.Pressure.Value.Pascals, 1.0);
    }

    [Fact]
    public void Bme280_trimming_reproduces_the_datasheet_worked_example()
    {
        // BMP280 datasheet §3.12 (same temperature formula in the BME280): with T1=27504, T2=26435, T3=-1000,
        // adc_T = 519888 gives var1 = 128793.1787, var2 = -370.8917, t_fine = 128422, T = 25.08 °C.
        var trimming = Bme280Trimming.Typical;

        Assert.Equal(128_422.29, trimming.TemperatureFine(519_888), 0.01);
        Assert.Equal(25.08, trimming.Temperature(519_888), 0.01);
        Assert.Equal(519_888, trimming.RawTemperature(trimming.Temperature(519_888)));
    }

    [Fact]
    public void Bme280_forced_mode_with_either_bit_pattern_measures_once_and_returns_to_sleep()
    {
        using var chip = new SimulatedBme280(Bus1);
        using var driver = new Bme280(chip);
        int before = chip.MeasurementCount;

        chip.Write([0xF4, 0b001_001_01]); // forced mode written as 0b01 (datasheet)
        chip.Write([0xF4, 0b001_001_10]); // forced mode written as 0b10 (what the driver writes)

        Assert.Equal(before + 2, chip.MeasurementCount);
        Assert.Equal(Bmx280PowerMode.Sleep, driver.ReadPowerMode());
    }

    [Fact]
    public void Bme280_answers_chip_id_0x60_and_soft_reset_clears_the_control_registers()
    {
        using var chip = new SimulatedBme280(Bus1);
        chip.Write([0xF4, 0x27]);

        chip.Write([0xE0, 0xB6]);

        Span<byte> id = stackalloc byte[1];
        chip.WriteRead([0xD0], id);
        Span<byte> ctrl = stackalloc byte[1];
        chip.WriteRead([0xF4], ctrl);
        Assert.Equal(0x60, id[0]);
        Assert.Equal(0x00, ctrl[0]);
    }

    [Fact]
    public void Ina219_driver_reads_12V_2A_24W_from_the_simulated_registers()
    {
        // Shunt 0.1 Ω, current LSB 100 µA: Cal = trunc(0.04096 / (0.0001 × 0.1)) = 4096 (datasheet eq. 1).
        // 2.000 A × 0.1 Ω = 200 mV = 20000 × 10 µV; Current = 20000 × 4096 / 4096 = 20000 × 100 µA = 2.000 A.
        // 12.000 V / 4 mV = 3000 → bus register 3000 << 3 = 0x5DC0 (+ CNVR 0x0002).
        // Power = 20000 × 3000 / 5000 = 12000 × (20 × 100 µA) = 24.000 W.
        using var chip = new SimulatedIna219(new I2cConnectionSettings(1, 0x40)) { BusVoltageVolts = 12.0, CurrentAmps = 2.0 };
        using var driver = new Ina219(chip);
        driver.Reset();
        driver.SetCalibration(4096, 0.0001f);

        Assert.Equal(12.000, driver.ReadBusVoltage().Volts, 0.0005);
        Assert.Equal(2.000, driver.ReadCurrent().Amperes, 0.0005);
        Assert.Equal(24.00, (double)driver.ReadPower().Watts, 0.005);
        Assert.Equal(0x5DC0, chip.PeekRegister(0x02) & 0xFFF8);
        Assert.Equal(20000, chip.PeekRegister(0x01));
    }

    [Fact]
    public void Ina219_negative_current_is_twos_complement_which_the_4_2_0_driver_reads_as_unsigned()
    {
        // −1.500 A × 0.1 Ω = −150 mV = −15000 × 10 µV = 0xC568; current register −15000 = 0xC568 too.
        using var chip = new SimulatedIna219(new I2cConnectionSettings(1, 0x40)) { BusVoltageVolts = 12.0, CurrentAmps = -1.5 };
        using var driver = new Ina219(chip);
        driver.Reset();
        driver.SetCalibration(4096, 0.0001f);

        double driverAmps = driver.ReadCurrent().Amperes;

        Assert.Equal(0xC568, chip.PeekRegister(0x04));
        Assert.Equal(0xC568, chip.PeekRegister(0x01));
        Assert.Equal(50536 * 0.0001, driverAmps, 0.001); // the driver bug IotBoard corrects
    }

    [Theory]
    // LSB = FSR / 32768. ±4.096 V: 125 µV → 1.000 V = 8000 (0x1F40). ±2.048 V: 62.5 µV → 1.000 V = 16000 (0x3E80).
    [InlineData(MeasuringRange.FS4096, 1.000, 8000)]
    [InlineData(MeasuringRange.FS2048, 1.000, 16000)]
    // 0.5 mA residual at 10 mA/V = 0.05 V at ±4.096 V: 0.05 / 125 µV = 400.
    [InlineData(MeasuringRange.FS4096, 0.050, 400)]
    // 3.000 V is over the ±2.048 V range: the code saturates at 0x7FFF.
    [InlineData(MeasuringRange.FS2048, 3.000, 32767)]
    public void Ads1115_gives_the_datasheet_code_for_a_voltage_at_the_configured_full_scale(MeasuringRange range, double volts, short expectedCode)
    {
        using var chip = new SimulatedAds1115(new I2cConnectionSettings(1, 0x48));
        chip.SetVoltage(2, volts);
        using var driver = new Ads1115(chip, InputMultiplexer.AIN2, range, DataRate.SPS860, DeviceMode.PowerDown);

        short code = driver.ReadRaw();

        Assert.Equal(expectedCode, code);
        Assert.Equal(expectedCode, chip.LastConversion);
        Assert.Equal(expectedCode * driver.MaxVoltageFromMeasuringRange(range).Volts / 32768.0, driver.ReadVoltage().Volts, 1e-9);
    }

    [Fact]
    public void Ads1115_selects_the_channel_from_the_mux_bits_in_continuous_mode_too()
    {
        using var chip = new SimulatedAds1115(new I2cConnectionSettings(1, 0x48));
        chip.SetVoltage(0, 0.5);
        chip.SetVoltage(1, 2.3);
        using var driver = new Ads1115(chip, InputMultiplexer.AIN0, MeasuringRange.FS4096, DataRate.SPS128, DeviceMode.Continuous);

        Assert.Equal(0.5, driver.ReadVoltage(InputMultiplexer.AIN0).Volts, 0.0002);
        Assert.Equal(2.3, driver.ReadVoltage(InputMultiplexer.AIN1).Volts, 0.0002);
        Assert.Equal(-1.8, driver.ReadVoltage(InputMultiplexer.AIN0_AIN1).Volts, 0.0002);
    }
}
