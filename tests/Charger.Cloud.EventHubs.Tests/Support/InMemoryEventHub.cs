using System.Collections.Concurrent;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Consumer;
using Castle.DynamicProxy;

namespace Charger.Cloud.EventHubs.Tests.Support;

/// <summary>
/// An event hub in memory, for the processor's own partition-reading loop: each partition is an append-only list of
/// events, and a consumer created at an <see cref="EventPosition"/> (earliest, latest, or after/at an offset, as the
/// processor asks from a checkpoint) reads from there. The consumer is the library's internal <c>TransportConsumer</c>
/// as a Castle proxy (the assembly lets Castle's proxies see its internals, for its own tests).
/// </summary>
internal sealed class InMemoryEventHub
{
    private static readonly ProxyGenerator Proxies = new();
    private static readonly Type TransportConsumer =
        typeof(EventHubConnection).Assembly.GetType("Azure.Messaging.EventHubs.Core.TransportConsumer", throwOnError: true)!;

    private readonly ConcurrentDictionary<string, Partition> _partitions = new(StringComparer.Ordinal);

    public InMemoryEventHub(params string[] partitionIds)
    {
        PartitionIds = partitionIds;
        foreach (var id in partitionIds)
        {
            _partitions[id] = new Partition();
        }
    }

    public string[] PartitionIds { get; }

    /// <summary>Appends events to a partition (as a producer would); returns them as read back.</summary>
    public void Append(string partitionId, Func<long, EventData> eventAt, int count)
    {
        var partition = _partitions[partitionId];
        lock (partition)
        {
            for (var i = 0; i < count; i++)
            {
                partition.Events.Add(eventAt(partition.Events.Count + 1));
            }

            partition.Appended.TrySetResult();
            partition.Appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>How many consumers the processor created on a partition (one per start or restart of its reading).</summary>
    public int ConsumersCreated(string partitionId) => _partitions[partitionId].ConsumersCreated;

    /// <summary>The sequence number of the first event each consumer of the partition read from, in order.</summary>
    public IReadOnlyList<long> StartedAt(string partitionId) => [.. _partitions[partitionId].StartedAt];

    /// <summary>The internal <c>TransportConsumer</c> the processor's connection hands out, reading from <paramref name="position"/>.</summary>
    public object CreateConsumer(string partitionId, EventPosition position)
    {
        var partition = _partitions[partitionId];
        int cursor;
        lock (partition)
        {
            cursor = Resolve(partition.Events, position);
            partition.StartedAt.Enqueue(cursor + 1);
            Interlocked.Increment(ref partition.ConsumersCreated);
        }

        return Proxies.CreateClassProxy(TransportConsumer, new Consumer(partition, cursor));
    }

    private static int Resolve(List<EventData> events, EventPosition position)
    {
        if (position.Equals(EventPosition.Earliest))
        {
            return 0;
        }

        if (position.Equals(EventPosition.Latest))
        {
            return events.Count;
        }

        for (var i = 0; i < events.Count; i++)
        {
            if (position.Equals(EventPosition.FromOffset(events[i].OffsetString, isInclusive: false)))
            {
                return i + 1;
            }

            if (position.Equals(EventPosition.FromOffset(events[i].OffsetString, isInclusive: true)))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"The position {position} names no event of the partition.");
    }

    private sealed class Partition
    {
        public readonly List<EventData> Events = [];
        public readonly ConcurrentQueue<long> StartedAt = new();
        public TaskCompletionSource Appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int ConsumersCreated;
    }

    private sealed class Consumer(Partition partition, int cursor) : IInterceptor
    {
        private int _cursor = cursor;
        private volatile bool _closed;

        public void Intercept(IInvocation invocation)
        {
            switch (invocation.Method.Name)
            {
                case "ReceiveAsync":
                    invocation.ReturnValue = ReceiveAsync((int)invocation.Arguments[0]!, (TimeSpan?)invocation.Arguments[1], (CancellationToken)invocation.Arguments[2]!);
                    break;
                case "CloseAsync":
                    _closed = true;
                    invocation.ReturnValue = Task.CompletedTask;
                    break;
                case "get_IsClosed":
                    invocation.ReturnValue = _closed;
                    break;
                default:
                    invocation.Proceed();
                    break;
            }
        }

        private async Task<IReadOnlyList<EventData>> ReceiveAsync(int maximum, TimeSpan? maximumWait, CancellationToken cancellationToken)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (maximumWait is { } limit)
            {
                wait.CancelAfter(limit);
            }

            while (true)
            {
                Task appended;
                lock (partition)
                {
                    if (_cursor < partition.Events.Count)
                    {
                        var batch = partition.Events.Skip(_cursor).Take(maximum).ToList();
                        _cursor += batch.Count;
                        return batch;
                    }

                    appended = partition.Appended.Task;
                }

                try
                {
                    await appended.WaitAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return [];
                }
                catch (OperationCanceledException)
                {
                    throw new TaskCanceledException();
                }
            }
        }
    }
}
