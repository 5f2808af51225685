using System.ComponentModel.DataAnnotations;

namespace Charger.Cloud.Hosting;

/// <summary>Settings of the cloud host (section <c>Cloud</c>).</summary>
public sealed class CloudOptions
{
    public const string SectionName = "Cloud";

    /// <summary>Where the cloud keeps its files; relative paths are against the working directory.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Run the embedded MQTT broker and the MQTT ingress (Charger.Cloud.Mqtt). False runs the API alone (tests, read-only replicas).</summary>
    public bool EnableMqtt { get; set; } = true;

    /// <summary>Where the receiver takes the chargers' events from: <c>mqtt</c> (default: the MQTT ingress, section
    /// <c>Ingress</c>) or <c>eventhubs</c> (Azure Event Hubs, section <c>EventHubs</c>, for fleets behind a managed broker;
    /// the acks still go over MQTT to the broker of section <c>Ingress</c>). Ignored when <see cref="EnableMqtt"/> is false.</summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^(mqtt|eventhubs)$", ErrorMessage = "Cloud:Ingress must be 'mqtt' or 'eventhubs'.")]
    public string Ingress { get; set; } = IngressKinds.Mqtt;

    /// <summary>Which store holds events, projections and charger credentials: <c>sqlite</c> (a file under
    /// <see cref="DataDirectory"/>, section <c>Cloud:Sqlite</c>) or <c>postgres</c> (section <c>Cloud:Postgres</c>).</summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^(sqlite|postgres)$", ErrorMessage = "Cloud:Store must be 'sqlite' or 'postgres'.")]
    public string Store { get; set; } = StoreKinds.Sqlite;
}

/// <summary>The values of <see cref="CloudOptions.Store"/>.</summary>
public static class StoreKinds
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary>The store named by <paramref name="configuration"/> (<c>Cloud:Store</c>), <see cref="Sqlite"/> when unset.
    /// An unknown value is returned as is; options validation then stops start-up naming the key.</summary>
    public static string From(IConfiguration configuration)
    {
        var value = configuration[$"{CloudOptions.SectionName}:{nameof(CloudOptions.Store)}"];
        return string.IsNullOrEmpty(value) ? Sqlite : value;
    }
}

/// <summary>The values of <see cref="CloudOptions.Ingress"/>.</summary>
public static class IngressKinds
{
    public const string Mqtt = "mqtt";
    public const string EventHubs = "eventhubs";

    /// <summary>The ingress named by <paramref name="configuration"/> (<c>Cloud:Ingress</c>), <see cref="Mqtt"/> when unset.
    /// An unknown value is returned as is; options validation then stops start-up naming the key.</summary>
    public static string From(IConfiguration configuration)
    {
        var value = configuration[$"{CloudOptions.SectionName}:{nameof(CloudOptions.Ingress)}"];
        return string.IsNullOrEmpty(value) ? Mqtt : value;
    }
}

/// <summary>Settings of the HTTP API (section <c>Cloud:Http</c>).</summary>
public sealed class CloudHttpOptions
{
    public const string SectionName = "Cloud:Http";

    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>The URL Kestrel listens on (one; loopback by default).</summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^https?://[^\\s;]+$", ErrorMessage = "Cloud:Http:Url must be one http:// or https:// URL.")]
    public string Url { get; set; } = DefaultUrl;
}
