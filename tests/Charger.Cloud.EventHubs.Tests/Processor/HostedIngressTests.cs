using Charger.Cloud.EventHubs.Tests.Support;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.EventHubs.Tests.Processor;

/// <summary>The hosted service around the processor: starts it, reports it for <c>/healthz</c>, stops it and frees its partitions.</summary>
public sealed class HostedIngressTests : IAsyncLifetime
{
    private readonly CloudDatabase _database = CloudDatabase.Sqlite();
    private Receiver _receiver = null!;

    public Task InitializeAsync()
    {
        _receiver = new Receiver(_database);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Health_is_stopped_then_receiving_once_partitions_are_claimed_and_stopped_again_after_shutdown_with_the_partitions_given_up()
    {
        var changes = new Signal();
        var processor = _receiver.Processor(TestProcessor.Options("receiver-a"), ["0", "1"], changes);
        using var ingress = new EventHubsIngress(processor);
        Assert.Equal("stopped", ingress.Health);

        await ingress.StartAsync(CancellationToken.None);
        await changes.WaitUntilAsync(() => processor.OwnedPartitions.Count == 2, "the processor reads both partitions");
        Assert.Equal("receiving", ingress.Health);

        await ingress.StopAsync(CancellationToken.None);

        Assert.Equal("stopped", ingress.Health);
        var rows = await _database.CheckpointStore().ListOwnershipAsync(
            DatabaseCheckpointStore.Consumer("charger-test.servicebus.windows.net", "chargers", "$Default"), CancellationToken.None);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(string.Empty, r.OwnerIdentifier));
    }

    [Theory]
    [InlineData("00:00:10", "00:00:10", "EventHubs:OwnershipExpiration")]
    [InlineData(null, null, "EventHubs:EventHubName")]
    public void Bad_settings_are_refused_naming_the_key(string? interval, string? expiration, string key)
    {
        var options = TestProcessor.Options();
        if (interval is not null)
        {
            options.LoadBalancingInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture);
            options.OwnershipExpiration = TimeSpan.Parse(expiration!, System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            options.ConnectionString = "Endpoint=sb://fleet.invalid/;SharedAccessKeyName=listen;SharedAccessKey=dGVzdA==";
        }

        var result = new EventHubsIngressOptionsValidator().Validate(Options.DefaultName, options);

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_string_that_is_not_one_is_refused()
    {
        var options = TestProcessor.Options();
        options.ConnectionString = "Host=db;Database=charger";

        var result = new EventHubsIngressOptionsValidator().Validate(Options.DefaultName, options);

        Assert.True(result.Failed);
        Assert.Contains("EventHubs:ConnectionString", result.FailureMessage, StringComparison.Ordinal);
    }
}
