using Microsoft.Extensions.Logging;

namespace Charger.Cloud.CustomerCare;

/// <summary>The customer-care area's log messages (event ids 1300-1399).</summary>
internal static partial class CareLog
{
    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Inquiry {InquiryId} from customer {CustomerId} by {Channel}: {Outcome} by {UserId}")]
    public static partial void InquiryRecorded(ILogger logger, long inquiryId, string customerId, Data.ContactChannel channel, string outcome, string userId);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "Inquiry {InquiryId} routed to {Target}, reply promised by {PromisedBy:o} ({UserId})")]
    public static partial void InquiryRouted(ILogger logger, long inquiryId, string target, DateTimeOffset promisedBy, string userId);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Information, Message = "Inquiry {InquiryId} answered by {UserId}")]
    public static partial void InquiryAnswered(ILogger logger, long inquiryId, string userId);

    [LoggerMessage(EventId = 1310, Level = LogLevel.Information, Message = "Complaint {ComplaintId} recorded from customer {CustomerId} by {UserId}")]
    public static partial void ComplaintRecorded(ILogger logger, long complaintId, string customerId, string userId);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Information, Message = "Complaint {ComplaintId}: {Trigger} {From} -> {To} by {UserId}")]
    public static partial void ComplaintTransitioned(ILogger logger, long complaintId, Complaints.ComplaintTrigger trigger, Complaints.ComplaintState from, Complaints.ComplaintState to, string userId);

    [LoggerMessage(EventId = 1312, Level = LogLevel.Information, Message = "Complaint {ComplaintId}: {Trigger} refused in state {State} ({UserId})")]
    public static partial void ComplaintTransitionRefused(ILogger logger, long complaintId, Complaints.ComplaintTrigger trigger, Complaints.ComplaintState state, string userId);

    [LoggerMessage(EventId = 1320, Level = LogLevel.Information, Message = "Survey {SurveyId} for {Subject} {SubjectId}: score {Score} ({Source}) by {UserId}")]
    public static partial void SurveyRecorded(ILogger logger, long surveyId, Data.SurveySubject subject, string subjectId, int score, Data.SurveySource source, string userId);

    [LoggerMessage(EventId = 1330, Level = LogLevel.Information, Message = "KPIs computed for [{From:o}, {To:o}) grouped by {GroupBy}: {WorkOrders} work orders, {Complaints} complaints, {Surveys} surveys, {Downtimes} downtimes")]
    public static partial void KpisComputed(ILogger logger, DateTimeOffset from, DateTimeOffset to, Kpis.KpiGroupBy groupBy, int workOrders, int complaints, int surveys, int downtimes);
}
