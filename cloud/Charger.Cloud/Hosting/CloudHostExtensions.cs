using Charger.Cloud.Api;
using Charger.Cloud.Core;
using Charger.Cloud.Data;
using Charger.Cloud.EventHubs;
using Charger.Cloud.Mqtt;
using Charger.Cloud.Store.Postgres;
using Charger.Cloud.Store.Sqlite;
using Charger.Protocol;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Charger.Cloud.Hosting;

/// <summary>The building blocks of the charger-cloud host, called from Program.cs.</summary>
public static class CloudHostExtensions
{
    /// <summary>systemd integration, host options, the HTTP URL, JSON and problem details.</summary>
    public static WebApplicationBuilder AddCloudHosting(this WebApplicationBuilder builder)
    {
        builder.Host.UseSystemd();
        // Every registration resolvable at start, in every environment: a missing dependency stops start-up naming it,
        // instead of failing the first request that needs it.
        builder.Host.UseDefaultServiceProvider(o =>
        {
            o.ValidateOnBuild = true;
            o.ValidateScopes = true;
        });
        builder.Services.AddOptions<CloudHttpOptions>()
            .BindConfiguration(CloudHttpOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var url = builder.Configuration[$"{CloudHttpOptions.SectionName}:{nameof(CloudHttpOptions.Url)}"];
        builder.WebHost.UseUrls(string.IsNullOrWhiteSpace(url) ? CloudHttpOptions.DefaultUrl : url);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, CloudApiJsonContext.Default);
            o.SerializerOptions.Converters.Add(new UtcTimestampConverter());
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "charger-cloud API";
            document.Info.Description = "Fleet maintenance log of EV chargers: chargers, their events, active faults, dead letters.";
            return Task.CompletedTask;
        }));

        // Metrics in the Prometheus text format at /metrics: the receiver's own meter, the broker's, and the runtime's.
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(IngestMetrics.MeterName, EmbeddedBroker.MeterName)
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary>The event and credential stores chosen by <c>Cloud:Store</c>: SQLite under the data directory, or PostgreSQL.</summary>
    public static WebApplicationBuilder AddCloudStore(this WebApplicationBuilder builder)
    {
        builder.Services.AddCloudStorage(builder.Configuration);
        return builder;
    }

    /// <summary>The ingest pipeline every ingress adapter feeds.</summary>
    public static WebApplicationBuilder AddCloudIngest(this WebApplicationBuilder builder)
    {
        builder.Services.AddIngestPipeline();
        return builder;
    }

    /// <summary>
    /// The MQTT ingress: the embedded broker (section <c>Broker</c>) and the receiver client (section <c>Ingress</c>),
    /// both hosted services of Charger.Cloud.Mqtt. They need <see cref="IChargerCredentialStore"/> and
    /// <see cref="IIngestPipeline"/>, registered by <see cref="AddCloudStore"/> and <see cref="AddCloudIngest"/> (call those first:
    /// the database is then opened before the broker accepts connections). Off when <c>Cloud:EnableMqtt</c> is false.
    /// With <c>Cloud:Ingress=eventhubs</c> the events come from Azure Event Hubs instead (Charger.Cloud.EventHubs, section
    /// <c>EventHubs</c>; ownership and checkpoints in the store's database) and an ack-only MQTT client sends the chargers'
    /// acks to the broker of section <c>Ingress</c> (the embedded one when <c>Ingress:Host</c> is not set).
    /// </summary>
    public static WebApplicationBuilder AddCloudIngress(this WebApplicationBuilder builder)
    {
        if (!builder.Configuration.GetValue($"{CloudOptions.SectionName}:{nameof(CloudOptions.EnableMqtt)}", true))
        {
            return builder;
        }

        // ==== MQTT INGRESS PLUG-IN POINT (project Charger.Cloud.Mqtt) ====
        // Broker first: it starts first and stops last; the ingress waits for it.
        builder.Services.AddEmbeddedBroker(builder.Configuration);
        if (IngressKinds.From(builder.Configuration) == IngressKinds.EventHubs)
        {
            // ==== EVENT HUBS INGRESS (project Charger.Cloud.EventHubs); acks over MQTT ====
            builder.Services.AddMqttAckPublisher(builder.Configuration);
            builder.Services.AddEventHubsIngress();
            return builder;
        }

        builder.Services.AddMqttIngress(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// Options of the data directory and the store named by <c>Cloud:Store</c> (<c>sqlite</c> by default, or
    /// <c>postgres</c>); shared by the server and the CLI verbs. Only the chosen adapter is registered.
    /// </summary>
    internal static IServiceCollection AddCloudStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CloudOptions>()
            .BindConfiguration(CloudOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (StoreKinds.From(configuration) == StoreKinds.Postgres)
        {
            services.AddPostgresCloudStore();
            // The after-sales areas (Charger.Cloud.Data contexts) live in the same database as the event store.
            services.AddSingleton(sp => DomainDatabase.Postgres(sp.GetRequiredService<IOptions<PostgresStoreOptions>>().Value.ConnectionString));
            return services;
        }

        services.AddSingleton(sp =>
        {
            var sqlite = sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value;
            return DomainDatabase.Sqlite(sqlite.Path, sqlite.BusyTimeoutMs);
        });

        services.AddSqliteCloudStore()
            .PostConfigure<IOptions<CloudOptions>>((sqlite, cloud) =>
            {
                if (!string.IsNullOrWhiteSpace(sqlite.Path))
                {
                    sqlite.Path = Path.GetFullPath(Path.Combine(cloud.Value.DataDirectory, sqlite.Path));
                }
            });
        return services;
    }
}
