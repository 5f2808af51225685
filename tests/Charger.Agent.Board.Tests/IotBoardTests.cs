using System.ComponentModel.DataAnnotations;
using System.Device.Gpio;
using Charger.Agent.Board.Simulated;
using Charger.Agent.Core.Board;

namespace Charger.Agent.Board.Tests;

public class IotBoardTests
{
    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Snapshot_holds_every_sensor_at_the_simulator_defaults_and_the_inputs_inactive()
    {
        using var t = new TestBoard();

        BoardSnapshot snapshot = await t.Board.ReadAsync(Ct);

        Assert.Equal(SensorNames.All.Order(), snapshot.Sensors.Keys.Order());
        Assert.All(snapshot.Sensors.Values, r => Assert.True(r.IsHealthy, $"{r.Name}: {r.Error}"));
        Assert.Equal(22.0, snapshot.Sensors[SensorNames.EnclosureTemperature].Value!.Value, 0.01);
        Assert.Equal(45.0, snapshot.Sensors[SensorNames.EnclosureHumidity].Value!.Value, 0.05);
        Assert.Equal(12.0, snapshot.Sensors[SensorNames.AuxVoltage].Value!.Value, 0.004);
        Assert.Equal(0.8, snapshot.Sensors[SensorNames.AuxCurrent].Value!.Value, 0.0002);
        Assert.Equal(0.5, snapshot.Sensors[SensorNames.ResidualCurrent].Value!.Value, 0.002);   // 10 mA/V × 125 µV LSB
        Assert.Equal(230.0, snapshot.Sensors[SensorNames.SupplyVoltage].Value!.Value, 0.013);   // 100 V/V × 125 µV LSB
        Assert.Equal(25.0, snapshot.Sensors[SensorNames.ConnectorTemperature].Value!.Value, 0.013);
        Assert.Equal("°C", snapshot.Sensors[SensorNames.EnclosureTemperature].Unit);
        Assert.Equal(new DigitalInputs(false, false, false, false, false), snapshot.Inputs);
        Assert.Equal(t.Time.GetUtcNow(), snapshot.Timestamp);
        Assert.Equal(new BoardIdentity("EVB-1", "0000000", "1.0.0"), t.Board.Identity);
    }

    [Fact]
    public async Task Set_values_are_read_back_through_the_real_drivers_including_a_negative_aux_current()
    {
        using var t = new TestBoard();
        t.Simulator.Set(SensorNames.EnclosureTemperature, -18.5);
        t.Simulator.Set(SensorNames.AuxCurrent, -1.25);
        t.Simulator.Set(SensorNames.ResidualCurrent, 31.0);
        t.Simulator.Set(SensorNames.ConnectorTemperature, 92.0);

        BoardSnapshot snapshot = await t.Board.ReadAsync(Ct);

        Assert.Equal(-18.5, snapshot.Sensors[SensorNames.EnclosureTemperature].Value!.Value, 0.01);
        Assert.Equal(-1.25, snapshot.Sensors[SensorNames.AuxCurrent].Value!.Value, 0.0002);
        Assert.Equal(31.0, snapshot.Sensors[SensorNames.ResidualCurrent].Value!.Value, 0.002);
        Assert.Equal(92.0, snapshot.Sensors[SensorNames.ConnectorTemperature].Value!.Value, 0.013);
    }

    [Fact]
    public async Task Inputs_follow_the_simulator_with_active_low_pins_inverted()
    {
        using var t = new TestBoard();

        t.Simulator.SetInput(InputNames.EmergencyStop, true);
        t.Simulator.SetInput(InputNames.Door, true);
        t.Simulator.SetInput(InputNames.SurgeProtection, true);
        BoardSnapshot snapshot = await t.Board.ReadAsync(Ct);

        Assert.Equal(new DigitalInputs(EmergencyStop: true, DoorOpen: true, RcdTripped: false, ContactorFeedbackClosed: false, SurgeProtectionTripped: true), snapshot.Inputs);
        Assert.Equal(PinValue.Low, t.Hardware.GpioDriver.GetLevel(t.Options.EmergencyStopPin)); // e-stop is active-low by default
        Assert.Equal(PinValue.High, t.Hardware.GpioDriver.GetLevel(t.Options.DoorPin));
    }

    [Fact]
    public async Task A_frozen_sensor_returns_identical_raw_registers_while_the_others_keep_moving()
    {
        using var t = new TestBoard(noise: true);
        await t.Board.ReadAsync(Ct);

        t.Simulator.Freeze(SensorNames.EnclosureTemperature);
        t.Simulator.Freeze(SensorNames.ConnectorTemperature);
        var first = await t.Board.ReadAsync(Ct);
        int rawTemperature = t.Hardware.Bme280.RawTemperature;
        t.Simulator.Set(SensorNames.ConnectorTemperature, 80); // a stuck sensor ignores the change
        var second = await t.Board.ReadAsync(Ct);
        var third = await t.Board.ReadAsync(Ct);

        Assert.Equal(rawTemperature, t.Hardware.Bme280.RawTemperature);
        Assert.Equal(first.Sensors[SensorNames.EnclosureTemperature].Value, third.Sensors[SensorNames.EnclosureTemperature].Value);
        Assert.Equal(first.Sensors[SensorNames.ConnectorTemperature].Value, second.Sensors[SensorNames.ConnectorTemperature].Value);
        Assert.Equal(first.Sensors[SensorNames.ConnectorTemperature].Value, third.Sensors[SensorNames.ConnectorTemperature].Value);
        Assert.NotEqual(first.Sensors[SensorNames.SupplyVoltage].Value, second.Sensors[SensorNames.SupplyVoltage].Value); // noise

        t.Simulator.Unfreeze(SensorNames.ConnectorTemperature);
        var fourth = await t.Board.ReadAsync(Ct);
        Assert.Equal(80.0, fourth.Sensors[SensorNames.ConnectorTemperature].Value!.Value, 0.2);
    }

    [Fact]
    public async Task A_failed_chip_gives_null_values_with_an_error_while_the_others_still_read_and_restore_recovers()
    {
        using var t = new TestBoard();
        await t.Board.ReadAsync(Ct);

        t.Simulator.Fail(SensorNames.AuxCurrent); // the INA219
        BoardSnapshot failed = await t.Board.ReadAsync(Ct);
        BoardSnapshot stillFailed = await t.Board.ReadAsync(Ct);
        t.Simulator.Restore(IotBoard.Ina219Chip);
        BoardSnapshot restored = await t.Board.ReadAsync(Ct);

        foreach (string name in new[] { SensorNames.AuxVoltage, SensorNames.AuxCurrent })
        {
            Assert.Null(failed.Sensors[name].Value);
            Assert.Contains("ina219 at 0x40", failed.Sensors[name].Error, StringComparison.Ordinal);
            Assert.Contains("IOException", failed.Sensors[name].Error, StringComparison.Ordinal);
            Assert.Null(stillFailed.Sensors[name].Value);
            Assert.True(restored.Sensors[name].IsHealthy);
        }

        Assert.True(failed.Sensors[SensorNames.EnclosureTemperature].IsHealthy);
        Assert.True(failed.Sensors[SensorNames.SupplyVoltage].IsHealthy);
        Assert.NotNull(failed.Inputs);
        Assert.Equal(12.0, restored.Sensors[SensorNames.AuxVoltage].Value!.Value, 0.004);

        var ids = t.Log.Entries.Select(e => e.Id.Id).ToList();
        Assert.Single(ids, 1100); // failure logged once, not on every read
        Assert.Single(ids, 1101);
    }

    [Fact]
    public async Task Every_chip_can_fail_and_recover_independently()
    {
        using var t = new TestBoard();
        foreach (string chip in new[] { IotBoard.Bme280Chip, IotBoard.Ads1115Chip })
        {
            t.Simulator.Fail(chip);
            var failed = await t.Board.ReadAsync(Ct);
            t.Simulator.Restore(chip);
            var restored = await t.Board.ReadAsync(Ct);

            var chipSensors = SensorNames.All.Where(n => BoardSimulator.ChipOf(n) == chip).ToList();
            Assert.NotEmpty(chipSensors);
            Assert.All(chipSensors, n => Assert.Null(failed.Sensors[n].Value));
            Assert.All(SensorNames.All.Except(chipSensors), n => Assert.True(failed.Sensors[n].IsHealthy));
            Assert.All(SensorNames.All, n => Assert.True(restored.Sensors[n].IsHealthy));
        }
    }

    [Fact]
    public async Task A_failed_gpio_chip_gives_null_inputs_and_the_sensors_still_read()
    {
        using var t = new TestBoard();

        t.Simulator.Fail(SimulatedBoardHardware.GpioChip);
        var failed = await t.Board.ReadAsync(Ct);
        t.Simulator.Restore(SimulatedBoardHardware.GpioChip);
        var restored = await t.Board.ReadAsync(Ct);

        Assert.Null(failed.Inputs);
        Assert.All(failed.Sensors.Values, r => Assert.True(r.IsHealthy));
        Assert.NotNull(restored.Inputs);
    }

    [Fact]
    public async Task S0_pulses_are_counted_at_the_rate_the_set_power_implies_over_simulated_time()
    {
        using var t = new TestBoard();

        t.Simulator.SetPower(7200);
        t.Time.Advance(TimeSpan.FromMinutes(1)); // 7.2 kW × 1/60 h = 0.12 kWh × 1000 pulses/kWh = 120 pulses
        var afterOneMinute = await t.Board.ReadAsync(Ct);
        t.Simulator.SetPower(0);
        t.Time.Advance(TimeSpan.FromMinutes(1));
        var afterIdle = await t.Board.ReadAsync(Ct);

        Assert.Equal(120, afterOneMinute.EnergyPulses);
        Assert.Equal(120, afterIdle.EnergyPulses);
        Assert.Equal(120, t.Simulator.PulsesEmitted);
    }

    [Fact]
    public async Task S0_pulses_arrive_by_themselves_on_the_system_clock()
    {
        var options = new BoardOptions { S0PulsesPerKwh = 100_000 };
        using var hardware = new SimulatedBoardHardware(options);
        using var simulator = new BoardSimulator(hardware, TimeProvider.System);
        using var board = new IotBoard(options, hardware);
        var pulse = hardware.Gpio.WaitForEventAsync(options.EnergyPulsePin, PinEventTypes.Rising, TimeSpan.FromSeconds(10));

        simulator.SetPower(36_000); // 36 kW × 100000 pulses/kWh = 1000 pulses/s

        var result = await pulse;
        var snapshot = await board.ReadAsync(Ct);
        Assert.False(result.TimedOut);
        Assert.True(snapshot.EnergyPulses > 0);
    }

    [Fact]
    public async Task Concurrent_reads_scenario_changes_and_pulses_do_not_deadlock()
    {
        var options = new BoardOptions { S0PulsesPerKwh = 100_000 };
        using var hardware = new SimulatedBoardHardware(options);
        using var simulator = new BoardSimulator(hardware, TimeProvider.System);
        using var board = new IotBoard(options, hardware);
        simulator.SetPower(36_000);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        var reader = Task.Run(async () =>
        {
            int reads = 0;
            while (!stop.IsCancellationRequested)
            {
                await board.ReadAsync(CancellationToken.None);
                reads++;
            }

            return reads;
        });
        var writer = Task.Run(() =>
        {
            int writes = 0;
            while (!stop.IsCancellationRequested)
            {
                simulator.Set(SensorNames.SupplyVoltage, 200 + (writes % 50));
                simulator.Set(SensorNames.EnclosureTemperature, 20 + (writes % 30));
                board.SetContactor(writes % 2 == 0);
                writes++;
            }

            return writes;
        });

        int[] counts = await Task.WhenAll(reader, writer).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(counts[0] > 0 && counts[1] > 0);
    }

    [Fact]
    public async Task Contactor_feedback_follows_the_command_and_a_weld_keeps_it_closed()
    {
        using var t = new TestBoard();

        t.Board.SetContactor(true);
        var closed = await t.Board.ReadAsync(Ct);
        t.Board.SetContactor(false);
        var opened = await t.Board.ReadAsync(Ct);
        t.Board.SetContactor(true);
        t.Simulator.Weld();
        t.Board.SetContactor(false);
        var welded = await t.Board.ReadAsync(Ct);
        t.Simulator.Unweld();
        var unwelded = await t.Board.ReadAsync(Ct);

        Assert.True(closed.ContactorCommandClosed);
        Assert.True(closed.Inputs!.ContactorFeedbackClosed);
        Assert.False(opened.ContactorCommandClosed);
        Assert.False(opened.Inputs!.ContactorFeedbackClosed);
        Assert.False(welded.ContactorCommandClosed);
        Assert.True(welded.Inputs!.ContactorFeedbackClosed);
        Assert.False(unwelded.Inputs!.ContactorFeedbackClosed);
        Assert.Equal(PinValue.Low, t.Hardware.GpioDriver.GetLevel(t.Options.ContactorOutputPin));
    }

    [Fact]
    public async Task A_ramp_moves_linearly_with_the_injected_clock()
    {
        using var t = new TestBoard();

        t.Simulator.Ramp(SensorNames.EnclosureTemperature, 82, TimeSpan.FromSeconds(60));
        t.Time.Advance(TimeSpan.FromSeconds(30));
        var halfway = await t.Board.ReadAsync(Ct);
        t.Time.Advance(TimeSpan.FromSeconds(60));
        var done = await t.Board.ReadAsync(Ct);

        Assert.Equal(52.0, halfway.Sensors[SensorNames.EnclosureTemperature].Value!.Value, 0.01);
        Assert.Equal(82.0, done.Sensors[SensorNames.EnclosureTemperature].Value!.Value, 0.01);
    }

    [Fact]
    public void Invalid_options_are_refused_with_the_setting_named()
    {
        var options = new BoardOptions { DoorPin = 5, Bme280Address = 0x20 };
        using var hardware = new SimulatedBoardHardware(new BoardOptions());

        var ex = Assert.Throws<ValidationException>(() => new IotBoard(options, hardware));

        Assert.Contains(nameof(BoardOptions.Bme280Address), ex.Message, StringComparison.Ordinal);
        var results = new List<ValidationResult>();
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
    }

    [Fact]
    public void Ina219_calibration_follows_the_datasheet_for_the_default_shunt()
    {
        var options = new BoardOptions();

        // 3.2 A / 32768 = 97.7 µA, rounded up to 100 µA; Cal = trunc(0.04096 / (100 µA × 0.1 Ω)) = 4096.
        Assert.Equal(0.0001, options.Ina219CurrentLsbAmps, 1e-12);
        Assert.Equal(4096, options.Ina219Calibration);
    }
}
