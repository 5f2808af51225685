using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Primitives;
using Azure.Messaging.EventHubs.Processor;
using Charger.Cloud.Core;
using Microsoft.Extensions.Logging;

namespace Charger.Cloud.EventHubs.Tests.Support;

/// <summary>
/// The real <see cref="EventHubsIngressProcessor"/> with the event hub replaced, since no Event Hubs service (nor emulator)
/// can be reached here: the partitions are a fixed list, the connection is a stub, and a claimed partition stays in its
/// initialisation (instead of reading) until it is released. Its load balancing and its ownership and checkpoint calls are
/// the library's, against the real database. Batches are handed to the processor's batch handler by <see cref="ProcessAsync"/>.
/// </summary>
internal sealed class TestProcessor : EventHubsIngressProcessor
{
    public const string ConnectionString =
        "Endpoint=sb://charger-test.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=dGVzdC1rZXk=;EntityPath=chargers";

    private readonly string[] _partitions;
    private readonly Signal _changes;
    private readonly InMemoryEventHub? _hub;

    public TestProcessor(EventHubsIngressOptions options, IEventHubsCheckpointStore store, IIngestPipeline pipeline, IAckPublisher? acks,
        string[]? partitions = null, Signal? changes = null, ILogger? logger = null, InMemoryEventHub? hub = null)
        : base(options, store, pipeline, acks, logger: logger)
    {
        _hub = hub;
        _partitions = hub?.PartitionIds ?? partitions ?? ["0"];
        _changes = changes ?? new Signal();
    }

    public static EventHubsIngressOptions Options(string? identifier = null, TimeSpan? loadBalancingInterval = null, TimeSpan? ownershipExpiration = null) => new()
    {
        ConnectionString = ConnectionString,
        Identifier = identifier,
        LoadBalancingInterval = loadBalancingInterval ?? TimeSpan.FromMilliseconds(100),
        OwnershipExpiration = ownershipExpiration ?? TimeSpan.FromSeconds(5),
    };

    /// <summary>Hands one batch of <paramref name="partitionId"/> to the processor's batch handler, as the library does after reading it.</summary>
    public Task ProcessAsync(string partitionId, IEnumerable<EventData> events, CancellationToken cancellationToken = default) =>
        OnProcessingEventBatchAsync(events, new TestPartition(partitionId), cancellationToken);

    /// <summary>The checkpoint the processor would start <paramref name="partitionId"/> from.</summary>
    public Task<EventProcessorCheckpoint> ReadCheckpointAsync(string partitionId) => GetCheckpointAsync(partitionId, CancellationToken.None);

    protected override async Task OnInitializingPartitionAsync(EventProcessorPartition partition, CancellationToken cancellationToken)
    {
        await base.OnInitializingPartitionAsync(partition, cancellationToken);
        _changes.Pulse();
        if (_hub is null)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken); // no hub to read: "reading" until released
        }
    }

    protected override async Task OnProcessingEventBatchAsync(IEnumerable<EventData> events, EventProcessorPartition partition, CancellationToken cancellationToken)
    {
        try
        {
            await base.OnProcessingEventBatchAsync(events, partition, cancellationToken);
        }
        finally
        {
            _changes.Pulse();
        }
    }

    protected override async Task OnPartitionProcessingStoppedAsync(EventProcessorPartition partition, ProcessingStoppedReason reason, CancellationToken cancellationToken)
    {
        await base.OnPartitionProcessingStoppedAsync(partition, reason, cancellationToken);
        _changes.Pulse();
    }

    public System.Collections.Concurrent.ConcurrentQueue<string> Errors { get; } = new();

    protected override async Task OnProcessingErrorAsync(Exception exception, EventProcessorPartition partition, string operationDescription, CancellationToken cancellationToken)
    {
        Errors.Enqueue($"{operationDescription} {partition?.PartitionId}: {exception}");
        await base.OnProcessingErrorAsync(exception, partition!, operationDescription, cancellationToken);
    }

    protected override EventHubConnection CreateConnection() => StubConnection();

    protected override Task<string[]> ListPartitionIdsAsync(EventHubConnection connection, CancellationToken cancellationToken) => Task.FromResult(_partitions);

    protected override Task ValidateProcessingPreconditions(CancellationToken cancellationToken) => Task.CompletedTask;

    private sealed class TestPartition : EventProcessorPartition
    {
        public TestPartition(string partitionId) => PartitionId = partitionId;
    }

    /// <summary>
    /// A connection that answers the processor's metadata query with this test's partitions. The members the processor
    /// calls are internal virtuals, made to be replaced in tests (the assembly lets Castle's proxies see them, as its own
    /// tests do), so the stub is a Castle class proxy.
    /// </summary>
    private EventHubConnection StubConnection() =>
        ProxyGenerator.CreateClassProxy<EventHubConnection>(new ConnectionStub(EventHubName, _partitions, _hub));

    private static readonly Castle.DynamicProxy.ProxyGenerator ProxyGenerator = new();

    private sealed class ConnectionStub(string eventHubName, string[] partitions, InMemoryEventHub? hub) : Castle.DynamicProxy.IInterceptor
    {
        public void Intercept(Castle.DynamicProxy.IInvocation invocation)
        {
            invocation.ReturnValue = invocation.Method.Name switch
            {
                "GetPropertiesAsync" => Task.FromResult(EventHubsModelFactory.EventHubProperties(eventHubName, DateTimeOffset.UtcNow, partitions)),
                "GetPartitionIdsAsync" => Task.FromResult(partitions),
                "CreateTransportConsumer" when hub is not null =>
                    hub.CreateConsumer((string)invocation.Arguments[1]!, (Azure.Messaging.EventHubs.Consumer.EventPosition)invocation.Arguments[3]!),
                "CloseAsync" => Task.CompletedTask,
                "DisposeAsync" => ValueTask.CompletedTask,
                _ => throw new NotSupportedException($"The test connection does not support {invocation.Method.Name}."),
            };
        }
    }
}

/// <summary>A repeatable "something changed" signal: await a condition without polling on a timer.</summary>
internal sealed class Signal
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly object _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Pulse()
    {
        TaskCompletionSource fired;
        lock (_gate)
        {
            fired = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        fired.TrySetResult();
    }

    /// <summary>Completes when <paramref name="condition"/> holds, checked now and after every pulse; fails after <see cref="Timeout"/>.</summary>
    public Task WaitUntilAsync(Func<bool> condition, string what, Func<Task<string>>? describe = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, describe);

    /// <summary>Completes when <paramref name="condition"/> holds, checked now and after every pulse; fails after <see cref="Timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what, Func<Task<string>>? describe = null)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            Task next;
            lock (_gate)
            {
                next = _next.Task;
            }

            if (await condition())
            {
                return;
            }

            try
            {
                await next.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out after {Timeout.TotalSeconds:0} s waiting until {what}. {(describe is null ? string.Empty : await describe())}");
            }
        }
    }
}
