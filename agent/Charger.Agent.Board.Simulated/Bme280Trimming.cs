namespace Charger.Agent.Board.Simulated;

/// <summary>
/// BME280 trimming (calibration) parameters and the Bosch floating-point compensation formulas
/// (BME280 datasheet §4.2.3 / §8.1), forward and inverted, as the simulated chip needs them.
/// </summary>
public sealed record Bme280Trimming(
    ushort T1, short T2, short T3,
    ushort P1, short P2, short P3, short P4, short P5, short P6, short P7, short P8, short P9,
    byte H1, short H2, byte H3, short H4, short H5, sbyte H6)
{
    /// <summary>
    /// Temperature and pressure values of the BMP280/BME280 datasheet's worked example (BMP280 datasheet §3.12,
    /// adc_T = 519888 gives 25.08 °C) and humidity values typical of production parts.
    /// </summary>
    public static Bme280Trimming Typical { get; } = new(
        27504, 26435, -1000,
        36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000,
        75, 362, 0, 313, 50, 30);

    /// <summary>t_fine for a 20-bit raw temperature, exactly as the driver computes it.</summary>
    public double TemperatureFine(int adcT)
    {
        double var1 = ((adcT / 16384.0) - (T1 / 1024.0)) * T2;
        double var2 = (adcT / 131072.0) - (T1 / 8192.0);
        var2 *= var2 * T3;
        return var1 + var2;
    }

    /// <summary>Temperature [°C] for a 20-bit raw value.</summary>
    public double Temperature(int adcT) => TemperatureFine(adcT) / 5120.0;

    /// <summary>Pressure [Pa] for a 20-bit raw value and t_fine.</summary>
    public double Pressure(int adcP, double tFine)
    {
        (double var1, double var2) = PressureTerms(tFine);
        if (var1 == 0)
        {
            return 0;
        }

        double p = 1048576.0 - adcP;
        p = (p - (var2 / 4096.0)) * 6250.0 / var1;
        return p + (((P9 * p * p / 2147483648.0) + (p * P8 / 32768.0) + P7) / 16.0);
    }

    /// <summary>Relative humidity [%] for a 16-bit raw value and t_fine (clamped to 0..100 like the driver).</summary>
    public double Humidity(int adcH, double tFine)
    {
        double h = HumidityUnclamped(adcH, tFine);
        return Math.Clamp(h, 0, 100);
    }

    /// <summary>The 20-bit raw temperature that reads back closest to <paramref name="celsius"/>.</summary>
    public int RawTemperature(double celsius)
    {
        // t_fine = 8·T2·u + T3·u², u = adc/131072 − T1/8192: solve the quadratic with the stable root.
        double tFine = celsius * 5120.0;
        double b = 8.0 * T2;
        double u = T3 == 0 ? tFine / b : 2 * tFine / (b + Math.Sqrt(Math.Max(0, (b * b) + (4.0 * T3 * tFine))));
        int guess = (int)Math.Round((u + (T1 / 8192.0)) * 131072.0);
        return Best(guess, 0xFFFFF, adc => Math.Abs(Temperature(adc) - celsius));
    }

    /// <summary>The 20-bit raw pressure that reads back closest to <paramref name="pascals"/> at t_fine.</summary>
    public int RawPressure(double pascals, double tFine)
    {
        (double var1, double var2) = PressureTerms(tFine);
        double a = P9 / 2147483648.0 / 16.0;
        double b = 1.0 + (P8 / 32768.0 / 16.0);
        double c = (P7 / 16.0) - pascals;
        double q = a == 0 ? -c / b : -2 * c / (b + Math.Sqrt(Math.Max(0, (b * b) - (4 * a * c))));
        double p0 = (q * var1 / 6250.0) + (var2 / 4096.0);
        int guess = (int)Math.Round(1048576.0 - p0);
        return Best(guess, 0xFFFFF, adc => Math.Abs(Pressure(adc, tFine) - pascals));
    }

    /// <summary>The 16-bit raw humidity that reads back closest to <paramref name="percent"/> at t_fine.</summary>
    public int RawHumidity(double percent, double tFine)
    {
        // h = x·(1 − H1·x/524288) → x = 2h / (1 + sqrt(1 − 4·k·h)), k = H1/524288; then x = (adc − offset)·gain.
        double k = H1 / 524288.0;
        double x = k == 0 ? percent : 2 * percent / (1 + Math.Sqrt(Math.Max(0, 1 - (4 * k * percent))));
        double v = tFine - 76800.0;
        double gain = H2 / 65536.0 * (1.0 + (H6 / 67108864.0 * v * (1.0 + (H3 / 67108864.0 * v))));
        double offset = (H4 * 64.0) + (H5 / 16384.0 * v);
        int guess = (int)Math.Round((x / gain) + offset);
        return Best(guess, 0xFFFF, adc => Math.Abs(HumidityUnclamped(adc, tFine) - percent));
    }

    private double HumidityUnclamped(int adcH, double tFine)
    {
        double v = tFine - 76800.0;
        v = (adcH - ((H4 * 64.0) + (H5 / 16384.0 * v))) *
            (H2 / 65536.0 * (1.0 + (H6 / 67108864.0 * v * (1.0 + (H3 / 67108864.0 * v)))));
        return v * (1.0 - (H1 * v / 524288.0));
    }

    private (double Var1, double Var2) PressureTerms(double tFine)
    {
        double var1 = (tFine / 2.0) - 64000.0;
        double var2 = var1 * var1 * P6 / 32768.0;
        var2 += var1 * P5 * 2.0;
        var2 = (var2 / 4.0) + (P4 * 65536.0);
        var1 = ((P3 * var1 * var1 / 524288.0) + (P2 * var1)) / 524288.0;
        var1 = (1.0 + (var1 / 32768.0)) * P1;
        return (var1, var2);
    }

    /// <summary>Rounding of the closed-form inverse can be one count off: take the best of the neighbours.</summary>
    private static int Best(int guess, int max, Func<int, double> error)
    {
        int best = Math.Clamp(guess, 0, max);
        double bestError = error(best);
        for (int candidate = guess - 2; candidate <= guess + 2; candidate++)
        {
            if (candidate < 0 || candidate > max)
            {
                continue;
            }

            double e = error(candidate);
            if (e < bestError)
            {
                best = candidate;
                bestError = e;
            }
        }

        return best;
    }
}
