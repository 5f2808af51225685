using Charger.Protocol;
using Microsoft.Extensions.Logging;

namespace Charger.Cloud.Core;

/// <summary>Log messages of the ingest pipeline: event ids 2000-2099.</summary>
internal static partial class IngestLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Debug, Message = "Stored event {ChargerId}#{Seq} ({Type}); acknowledged up to {AckUpTo}")]
    public static partial void EventStored(ILogger logger, string chargerId, long seq, string type, long ackUpTo);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Rejected a message on {Topic}: {Reason}: {Detail}")]
    public static partial void EventRejected(ILogger logger, string topic, string reason, string detail);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Duplicate event {ChargerId}#{Seq} ignored; acknowledged up to {AckUpTo}")]
    public static partial void DuplicateEvent(ILogger logger, string chargerId, long seq, long ackUpTo);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Conflicting event {ChargerId}#{Seq} ({EventId}) dead-lettered: {Detail}")]
    public static partial void EventConflict(ILogger logger, string chargerId, long seq, Guid eventId, string detail);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Gap in the events of {ChargerId}: seq {FromSeq}..{ToSeq} missing; later events wait until it fills")]
    public static partial void GapDetected(ILogger logger, string chargerId, long fromSeq, long toSeq);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Gap in the events of {ChargerId} closed: seq {FromSeq}..{ToSeq} arrived")]
    public static partial void GapClosed(ILogger logger, string chargerId, long fromSeq, long toSeq);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Debug, Message = "Applied {Count} event(s) of {ChargerId} up to seq {AppliedSeq}")]
    public static partial void EventsApplied(ILogger logger, int count, string chargerId, long appliedSeq);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Debug, Message = "Event {ChargerId}#{Seq} stored and waiting: applied only up to {AppliedSeq}")]
    public static partial void EventPending(ILogger logger, string chargerId, long seq, long appliedSeq);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "Charger {ChargerId} is {Status}")]
    public static partial void StatusChanged(ILogger logger, string chargerId, string status);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "Status for a malformed charger id '{ChargerId}' ignored")]
    public static partial void BadStatusChargerId(ILogger logger, string chargerId);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Error, Message = "Stored event {ChargerId}#{Seq} cannot be projected ({Error}); applied without effect on the projections")]
    public static partial void StoredEventNotProjectable(ILogger logger, string chargerId, long seq, string error);

    public static string Name(this RejectReason reason) => reason.ToString();

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Charger {ChargerId} lost its journal: events {FromSeq}..{ToSeq} will never arrive; recorded as a lost gap")]
    public static partial void SeqLost(ILogger logger, string chargerId, long fromSeq, long toSeq);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Boot {ChargerId}#{Seq} declares events up to {LostUpTo} lost, which is not below its own seq; ignored")]
    public static partial void LostRangeIgnored(ILogger logger, string chargerId, long seq, long lostUpTo);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Information, Message = "Another receiver moved the streams of this batch meanwhile ({Messages} message(s), {Chargers} charger(s), attempt {Attempt}: {Detail}); writing the batch again")]
    public static partial void BatchRetried(ILogger logger, int messages, int chargers, int attempt, string detail);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Error, Message = "Handling a message on {Topic} failed; it is dead-lettered alone as Unprocessable and the others go on")]
    public static partial void MessageNotHandled(ILogger logger, string topic, Exception exception);

    [LoggerMessage(EventId = 2016, Level = LogLevel.Information, Message = "Event {ChargerId}#{Seq} has type '{Type}', which this version does not know; kept for a newer receiver and applied as no change")]
    public static partial void UnknownTypeKept(ILogger logger, string chargerId, long seq, string type);

    [LoggerMessage(EventId = 2017, Level = LogLevel.Error, Message = "The store refused a batch of {Messages} message(s) for what one of them holds ({Detail}); storing them one by one")]
    public static partial void BatchSplit(ILogger logger, int messages, string detail);

    [LoggerMessage(EventId = 2018, Level = LogLevel.Error, Message = "The store refused the message on {Topic} ({Detail}); dead-lettered alone as Unprocessable")]
    public static partial void MessageRefusedByStore(ILogger logger, string topic, string detail);
}
