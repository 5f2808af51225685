using System.Device.Gpio;
using System.Device.I2c;

namespace Charger.Agent.Board;

/// <summary>
/// Where <see cref="IotBoard"/> gets its buses from: the real Linux I2C/GPIO devices (<see cref="HardwareBoardBus"/>)
/// or a simulated board. The board owns (and disposes) each <see cref="I2cDevice"/> it creates; the bus owns the
/// <see cref="GpioController"/>.
/// </summary>
public interface IBoardBus : IDisposable
{
    /// <summary>Opens a connection to the chip at <paramref name="address"/> on I2C bus <paramref name="busId"/>.</summary>
    I2cDevice CreateI2cDevice(int busId, int address);

    /// <summary>The GPIO controller of the board (created on first use).</summary>
    GpioController Gpio { get; }
}

/// <summary>The real hardware: <c>/dev/i2c-N</c> through <see cref="I2cDevice.Create"/> and the default GPIO driver.</summary>
public sealed class HardwareBoardBus : IBoardBus
{
    private readonly Lock _gate = new();
    private GpioController? _gpio;

    /// <inheritdoc />
    public I2cDevice CreateI2cDevice(int busId, int address) =>
        I2cDevice.Create(new I2cConnectionSettings(busId, address));

    /// <inheritdoc />
    public GpioController Gpio
    {
        get
        {
            lock (_gate)
            {
                return _gpio ??= new GpioController();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _gpio?.Dispose();
            _gpio = null;
        }
    }
}
