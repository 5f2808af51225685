using System.Globalization;
using Microsoft.Extensions.Logging;
using MQTTnet.Diagnostics.Logger;

namespace Charger.Cloud.Mqtt;

/// <summary>Forwards MQTTnet's internal log to <see cref="ILogger"/> (event id 3090): info as Debug, verbose as Trace.</summary>
internal sealed class MqttNetLoggerBridge(ILogger logger) : IMqttNetLogger
{
    public bool IsEnabled => logger.IsEnabled(LogLevel.Warning);

    public void Publish(MqttNetLogLevel logLevel, string source, string message, object[] parameters, Exception exception)
    {
        var level = logLevel switch
        {
            MqttNetLogLevel.Error => LogLevel.Error,
            MqttNetLogLevel.Warning => LogLevel.Warning,
            MqttNetLogLevel.Info => LogLevel.Debug,
            _ => LogLevel.Trace,
        };
        if (!logger.IsEnabled(level))
        {
            return;
        }

        var text = message ?? string.Empty;
        if (parameters is { Length: > 0 })
        {
            try
            {
                text = string.Format(CultureInfo.InvariantCulture, text, parameters);
            }
            catch (FormatException)
            {
                // keep the raw template
            }
        }

        MqttLog.MqttNet(logger, level, source ?? "MQTTnet", text, exception);
    }
}
