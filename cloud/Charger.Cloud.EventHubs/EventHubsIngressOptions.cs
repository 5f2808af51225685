using System.ComponentModel.DataAnnotations;
using Azure.Messaging.EventHubs;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.EventHubs;

/// <summary>
/// Settings of the Event Hubs ingress, bound from the configuration section <c>EventHubs</c> (see <see cref="SectionName"/>).
/// Every setting and its default is listed in the project's README.
/// </summary>
public sealed class EventHubsIngressOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "EventHubs";

    /// <summary><c>EventHubs:ConnectionString</c>. Required: the Event Hubs connection string of a shared access policy
    /// with Listen rights (<c>Endpoint=sb://NAMESPACE.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...</c>,
    /// optionally <c>;EntityPath=HUB</c>). Pass it as an environment variable (<c>EventHubs__ConnectionString</c>), not in a file.</summary>
    [Required(AllowEmptyStrings = false)]
    public string? ConnectionString { get; set; }

    /// <summary><c>EventHubs:EventHubName</c>. The event hub; null = the connection string's <c>EntityPath</c>.</summary>
    [StringLength(256, MinimumLength = 1)]
    public string? EventHubName { get; set; }

    /// <summary><c>EventHubs:ConsumerGroup</c>. The consumer group the receivers share. Default <c>$Default</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    [StringLength(256)]
    public string ConsumerGroup { get; set; } = "$Default";

    /// <summary><c>EventHubs:Identifier</c>. This receiver's name in the ownership table; unique per running receiver.
    /// Null (default) = <c>charger-cloud-{machine}-{random}</c>, new at every start.</summary>
    [StringLength(128, MinimumLength = 1)]
    public string? Identifier { get; set; }

    /// <summary><c>EventHubs:MaxBatchSize</c>. Events handed to the pipeline per batch (one checkpoint per batch). Default 100; 1..1000.</summary>
    [Range(1, 1000)]
    public int MaxBatchSize { get; set; } = 100;

    /// <summary><c>EventHubs:PrefetchCount</c>. Events read ahead per partition. Default 300; 0..10000 (at least <see cref="MaxBatchSize"/> unless 0).</summary>
    [Range(0, 10000)]
    public int PrefetchCount { get; set; } = 300;

    /// <summary><c>EventHubs:LoadBalancingInterval</c>. How often a receiver renews its claims and looks for partitions to take. Default 00:00:10.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan LoadBalancingInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>EventHubs:OwnershipExpiration</c>. A claim not renewed for this long is free for others to take (a dead
    /// receiver's partitions move after it). Default 00:00:30; must exceed <see cref="LoadBalancingInterval"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:30:00")]
    public TimeSpan OwnershipExpiration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>EventHubs:LoadBalancing</c>. <c>balanced</c> (default: one partition claimed per cycle) or <c>greedy</c>
    /// (claims its share at once; faster start, more contention).</summary>
    [RegularExpression("^(balanced|greedy)$", ErrorMessage = "EventHubs:LoadBalancing must be 'balanced' or 'greedy'.")]
    public string LoadBalancing { get; set; } = "balanced";

    /// <summary><c>EventHubs:StartingPosition</c>. Where a partition without a checkpoint starts: <c>earliest</c> (default:
    /// everything the hub retains; the pipeline drops what it already has) or <c>latest</c> (only new events).</summary>
    [RegularExpression("^(earliest|latest)$", ErrorMessage = "EventHubs:StartingPosition must be 'earliest' or 'latest'.")]
    public string StartingPosition { get; set; } = "earliest";

    /// <summary><c>EventHubs:TopicProperties</c>. Comma-separated application properties that carry the MQTT topic, tried
    /// in order before the CloudEvents <c>subject</c>. Default <c>mqtt-topic,topic</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^[^,\\s]+(,[^,\\s]+)*$", ErrorMessage = "EventHubs:TopicProperties must be a comma-separated list of property names.")]
    public string TopicProperties { get; set; } = "mqtt-topic,topic";

    /// <summary>The names of <see cref="TopicProperties"/>.</summary>
    internal string[] TopicPropertyNames => TopicProperties.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Cross-field checks of <see cref="EventHubsIngressOptions"/>: the connection string parses and names an event hub.</summary>
internal sealed class EventHubsIngressOptionsValidator : IValidateOptions<EventHubsIngressOptions>
{
    public ValidateOptionsResult Validate(string? name, EventHubsIngressOptions options)
    {
        var failures = new List<string>();
        if (options.OwnershipExpiration <= options.LoadBalancingInterval)
        {
            failures.Add("EventHubs:OwnershipExpiration must be longer than EventHubs:LoadBalancingInterval (claims are renewed once per interval).");
        }

        if (options.PrefetchCount != 0 && options.PrefetchCount < options.MaxBatchSize)
        {
            failures.Add("EventHubs:PrefetchCount must be 0 or at least EventHubs:MaxBatchSize.");
        }

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            try
            {
                var properties = EventHubsConnectionStringProperties.Parse(options.ConnectionString);
                if (string.IsNullOrEmpty(properties.EventHubName) && string.IsNullOrWhiteSpace(options.EventHubName))
                {
                    failures.Add("EventHubs:EventHubName is required when EventHubs:ConnectionString has no EntityPath.");
                }

                if (!string.IsNullOrEmpty(properties.EventHubName) && !string.IsNullOrWhiteSpace(options.EventHubName)
                    && !string.Equals(properties.EventHubName, options.EventHubName, StringComparison.OrdinalIgnoreCase))
                {
                    failures.Add($"EventHubs:EventHubName '{options.EventHubName}' differs from the connection string's EntityPath '{properties.EventHubName}'.");
                }
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                failures.Add($"EventHubs:ConnectionString is not an Event Hubs connection string: {ex.Message}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
