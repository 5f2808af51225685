using System.Diagnostics.Metrics;

namespace Charger.Cloud.Core;

/// <summary>
/// The receiver's instruments (meter <see cref="MeterName"/>), exported by the host at <c>/metrics</c>:
/// <list type="bullet">
/// <item><c>charger.ingest.messages</c> {message}: every message handled on an events topic, by <c>outcome</c>
/// (<c>stored</c>, <c>duplicate</c>, <c>rejected</c>, <c>conflict</c>). Duplicates are resends the store absorbed.</item>
/// <item><c>charger.ingest.delay</c> (s): from the event's own timestamp (the agent's clock) to the moment it was stored,
/// for new events only. Includes the time an event waited in the agent's outbox during an outage.</item>
/// <item><c>charger.ingest.batch.size</c> {message}: messages per batch written in one store transaction.</item>
/// <item><c>charger.ingest.dead_letters</c> {message}: every dead letter written, by <c>reason</c> (a
/// <see cref="Charger.Protocol.RejectReason"/> name, <c>Conflict</c> or <c>Unprocessable</c>). A resent refused message
/// whose marker is already stored adds none.</item>
/// <item><c>charger.ingest.unknown_types</c> {event}: events of a type this version does not know, kept for a newer
/// receiver.</item>
/// </list>
/// </summary>
public sealed class IngestMetrics
{
    public const string MeterName = "Charger.Cloud.Ingest";

    private readonly Counter<long> _messages;
    private readonly Histogram<double> _delay;
    private readonly Histogram<int> _batchSize;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _unknownTypes;

    public IngestMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _messages = meter.CreateCounter<long>("charger.ingest.messages", "{message}", "Messages handled on events topics, by outcome.");
        _delay = meter.CreateHistogram<double>("charger.ingest.delay", "s", "Time from an event's timestamp to its storage.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60, 600, 3600] });
        _deadLetters = meter.CreateCounter<long>("charger.ingest.dead_letters", "{message}", "Dead letters written, by reason.");
        _unknownTypes = meter.CreateCounter<long>("charger.ingest.unknown_types", "{event}", "Events of a type this version does not know, kept.");
        _batchSize = meter.CreateHistogram<int>("charger.ingest.batch.size", "{message}", "Messages per batch stored in one transaction.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] });
    }

    internal void Batch(int messages) => _batchSize.Record(messages);

    internal void Stored(DateTimeOffset eventTimestamp, DateTimeOffset storedAt)
    {
        _messages.Add(1, new KeyValuePair<string, object?>("outcome", "stored"));
        _delay.Record(Math.Max(0, (storedAt - eventTimestamp).TotalSeconds));
    }

    internal void Duplicate() => _messages.Add(1, new KeyValuePair<string, object?>("outcome", "duplicate"));

    internal void Conflict() => _messages.Add(1, new KeyValuePair<string, object?>("outcome", "conflict"));

    internal void DeadLettered(string reason) => _deadLetters.Add(1, new KeyValuePair<string, object?>("reason", reason));

    internal void UnknownTypeKept() => _unknownTypes.Add(1);

    internal void Rejected() => _messages.Add(1, new KeyValuePair<string, object?>("outcome", "rejected"));
}
