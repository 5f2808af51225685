using System.Device.Gpio;
using Charger.Agent.Board.Simulated;

namespace Charger.Agent.Board.Tests;

public class SimulatedGpioDriverTests
{
    [Fact]
    public void Callbacks_fire_only_for_the_registered_edge()
    {
        var driver = new SimulatedGpioDriver();
        using var controller = new GpioController(driver);
        controller.OpenPin(4, PinMode.Input);
        var seen = new List<PinEventTypes>();
        controller.RegisterCallbackForPinValueChangedEvent(4, PinEventTypes.Rising, (_, e) => seen.Add(e.ChangeType));

        driver.SetInput(4, PinValue.High);
        driver.SetInput(4, PinValue.High); // no edge
        driver.SetInput(4, PinValue.Low);
        driver.SetInput(4, PinValue.High);

        Assert.Equal([PinEventTypes.Rising, PinEventTypes.Rising], seen);
        Assert.Equal(PinValue.High, controller.Read(4));
    }

    [Fact]
    public async Task WaitForEventAsync_completes_on_the_edge_and_times_out_without_one()
    {
        var driver = new SimulatedGpioDriver();
        using var controller = new GpioController(driver);
        controller.OpenPin(7, PinMode.InputPullUp);

        var waiting = controller.WaitForEventAsync(7, PinEventTypes.Falling, new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token).AsTask();
        Assert.False(waiting.IsCompleted);
        driver.SetInput(7, PinValue.Low);
        var result = await waiting;
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var timedOut = controller.WaitForEvent(7, PinEventTypes.Rising, cts.Token);

        Assert.False(result.TimedOut);
        Assert.Equal(PinEventTypes.Falling, result.EventTypes);
        Assert.True(timedOut.TimedOut);
    }

    [Fact]
    public void Pull_up_sets_an_undriven_input_high_and_outputs_read_back_what_was_written()
    {
        var driver = new SimulatedGpioDriver();
        using var controller = new GpioController(driver);

        controller.OpenPin(2, PinMode.InputPullUp);
        controller.OpenPin(3, PinMode.Output, PinValue.High);

        Assert.Equal(PinValue.High, controller.Read(2));
        Assert.Equal(PinValue.High, controller.Read(3));
        controller.Write(3, PinValue.Low);
        Assert.Equal(PinValue.Low, controller.Read(3));
    }

    [Fact]
    public void A_failed_gpio_chip_throws_io_errors()
    {
        var driver = new SimulatedGpioDriver();
        using var controller = new GpioController(driver);
        controller.OpenPin(2, PinMode.Input);

        driver.Failed = true;

        Assert.Throws<IOException>(() => controller.Read(2));
    }
}
