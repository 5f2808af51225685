using System.Text.Json;
using System.Text.Json.Serialization;
using Charger.Cloud.Core;
using Charger.Cloud.FieldService.Alarms;
using Charger.Cloud.FieldService.Records;
using Charger.Protocol;

namespace Charger.Cloud.Api;

/// <summary>A gap in a charger's event stream.</summary>
public sealed record GapDto(long From, long To, DateTimeOffset DetectedAt, DateTimeOffset? ClosedAt, bool Lost)
{
    public static GapDto Of(SeqGap g) => new(g.FromSeq, g.ToSeq, g.DetectedAt, g.ClosedAt, g.Lost);
}

/// <summary>One charger in the fleet list.</summary>
public sealed record ChargerSummaryDto(
    string Id,
    string? State,
    bool Online,
    DateTimeOffset? LastSeen,
    string? FirmwareVersion,
    string? AgentVersion,
    string? Model,
    int ActiveFaults,
    long AppliedSeq,
    long StoredSeq,
    DateTimeOffset? LastEventAt,
    IReadOnlyList<GapDto> Gaps)
{
    public static ChargerSummaryDto From(ChargerView c, int activeFaults, IEnumerable<SeqGap> openGaps) => new(
        c.ChargerId, c.State?.ToString(), c.Online, c.LastSeen, c.FirmwareVersion, c.AgentVersion, c.Model,
        activeFaults, c.AppliedSeq, c.MaxStoredSeq, c.LastEventAt, openGaps.Select(GapDto.Of).ToList());
}

/// <summary>One charger in detail.</summary>
public sealed record ChargerDetailDto(
    string Id,
    string? State,
    bool Online,
    DateTimeOffset? LastSeen,
    string? FirmwareVersion,
    string? AgentVersion,
    string? Model,
    string? Serial,
    string? BootReason,
    DateTimeOffset? LastBootAt,
    int ActiveFaults,
    long AppliedSeq,
    long StoredSeq,
    DateTimeOffset? LastEventAt,
    IReadOnlyList<GapDto> Gaps,
    IReadOnlyList<FaultDto> Faults);

/// <summary>An active fault.</summary>
public sealed record FaultDto(
    string ChargerId,
    string Code,
    string Component,
    string Severity,
    double? Value,
    string? Unit,
    DateTimeOffset RaisedAt,
    Guid? RaisedEventId,
    long RaisedSeq,
    Guid? Cause,
    string? Message,
    bool BlocksCharging,
    bool Latching)
{
    public static FaultDto From(ActiveFault f) => new(
        f.ChargerId, f.Code, f.Component, f.Severity.ToWire(), f.Value, f.Unit, f.RaisedAt, f.RaisedEventId, f.RaisedSeq,
        f.Cause, f.Message, f.BlocksCharging, f.Latching);
}

/// <summary>One stored event.</summary>
public sealed record EventDto(long Seq, Guid Id, string Type, DateTimeOffset Ts, DateTimeOffset ReceivedAt, JsonElement Data)
{
    public static EventDto From(StoredEvent e)
    {
        using var doc = JsonDocument.Parse(e.DataJson);
        return new(e.Seq, e.Id, e.Type, e.Ts, e.ReceivedAt, doc.RootElement.Clone());
    }
}

/// <summary>A page of events; pass <see cref="NextAfterSeq"/> as <c>afterSeq</c> for the next page (null: no more).</summary>
public sealed record EventPageDto(string ChargerId, IReadOnlyList<EventDto> Items, long? NextAfterSeq);

/// <summary>One record of the fleet's maintenance log; <c>data</c> is the whole record as the engineer saved it.</summary>
public sealed record ServiceRecordDto(
    string ChargerId, long Seq, Guid Id, DateTimeOffset Ts, string Kind, string EngineerId, string? WorkOrderRef, bool CustomerConfirmed, JsonElement Data)
{
    public static ServiceRecordDto From(ServiceRecordView r)
    {
        using var doc = JsonDocument.Parse(r.DataJson);
        return new(r.ChargerId, r.Seq, r.EventId, r.Ts, r.Kind, r.EngineerId, r.WorkOrderRef, r.CustomerConfirmed, doc.RootElement.Clone());
    }
}

/// <summary>A page of service records; pass <c>next</c> as <c>after</c> for the following page (null on the last).</summary>
public sealed record ServiceRecordPageDto(IReadOnlyList<ServiceRecordDto> Items, string? Next);

/// <summary>A refused message.</summary>
public sealed record DeadLetterDto(long Id, string Topic, string? ChargerId, string Reason, string Detail, string Payload, int PayloadBytes, DateTimeOffset ReceivedAt)
{
    public static DeadLetterDto From(DeadLetter d) => new(d.Id, d.Topic, d.ChargerId, d.Reason, d.Detail, d.Payload, d.PayloadBytes, d.ReceivedAt);
}

/// <summary>The answer of <c>/healthz</c>.</summary>
/// <param name="Ingress">MQTT ingress: subscribed (connected to its broker with its subscriptions granted) or connecting;
/// Event Hubs ingress (<c>Cloud:Ingress=eventhubs</c>): eventhubs:receiving (owns partitions), eventhubs:balancing (running,
/// owns none) or eventhubs:stopped (starting or retrying); disabled when there is no ingress.</param>
public sealed record HealthDto(string Status, string? Store, string Ingress);

/// <summary>Source-generated JSON for the API: camelCase, timestamps as ISO-8601 UTC with Z.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(HealthDto))]
[JsonSerializable(typeof(List<ChargerSummaryDto>))]
[JsonSerializable(typeof(ChargerDetailDto))]
[JsonSerializable(typeof(EventPageDto))]
[JsonSerializable(typeof(ServiceRecordPageDto))]
[JsonSerializable(typeof(List<FaultDto>))]
[JsonSerializable(typeof(List<DeadLetterDto>))]
public sealed partial class CloudApiJsonContext : JsonSerializerContext;
