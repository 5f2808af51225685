using System.Text.Json;
using System.Text.Json.Serialization;
using Charger.Cloud.CustomerCare.Complaints;
using Charger.Cloud.CustomerCare.Data;
using Charger.Cloud.CustomerCare.Kpis;
using Charger.Protocol;

namespace Charger.Cloud.CustomerCare.Api;

/// <summary>A new inquiry: <c>answer</c> when answered on the spot, else <c>routedToUser</c> or <c>routedToRole</c> with <c>promisedReplyBy</c>.</summary>
public sealed record InquiryCreateRequest(
    string? Channel, string? CustomerId, string? Content, string? Answer, string? RoutedToUser, string? RoutedToRole, DateTimeOffset? PromisedReplyBy);

/// <summary>Routes an open inquiry to a person or a role with a promised reply time.</summary>
public sealed record InquiryRouteRequest(string? RoutedToUser, string? RoutedToRole, DateTimeOffset? PromisedReplyBy, string? Reason);

/// <summary>The reply to a routed inquiry.</summary>
public sealed record InquiryAnswerRequest(string? Answer);

/// <summary>An inquiry; <c>overdue</c> is true while routed past its promised reply time.</summary>
public sealed record InquiryDto(
    long Id, string Channel, string CustomerId, string Content, DateTimeOffset ReceivedAt, string RecordedBy, string Status, bool Overdue,
    string? RoutedToUser, string? RoutedToRole, DateTimeOffset? RoutedAt, DateTimeOffset? PromisedReplyBy,
    string? Answer, DateTimeOffset? AnsweredAt, string? AnsweredBy, bool AnsweredOnTheSpot)
{
    public static InquiryDto From(InquiryRecord r, bool overdue) => new(
        r.Id, CareApi.ChannelName(r.Channel), r.CustomerId, r.Content, r.ReceivedAt, r.RecordedBy, r.Status.ToString(), overdue,
        r.RoutedToUser, r.RoutedToRole, r.RoutedAt, r.PromisedReplyBy, r.Answer, r.AnsweredAt, r.AnsweredBy, r.AnsweredOnTheSpot);
}

/// <summary>A new complaint; the apology given at intake is required.</summary>
public sealed record ComplaintCreateRequest(string? Channel, string? CustomerId, string? Content, string? ChargerId, string? WorkOrderId, string? Apology);

/// <summary>The supervisor organises the investigation (investigator defaults to the supervisor).</summary>
public sealed record ComplaintInvestigateRequest(string? Investigator, string? Reason);

/// <summary>The cause and the responsible party.</summary>
public sealed record ComplaintCauseRequest(string? Cause, string? ResponsibleParty, string? Reason);

/// <summary>A handling plan.</summary>
public sealed record ComplaintPlanRequest(string? Measures, string? ResponsiblePerson, DateTimeOffset? Deadline, string? Reason);

/// <summary>A transition that needs only a reason (start, complete, close).</summary>
public sealed record ComplaintReasonRequest(string? Reason);

/// <summary>A progress update given to the customer, and how.</summary>
public sealed record ComplaintProgressRequest(string? Channel, string? Message);

/// <summary>The revisit: satisfaction score 1-5 and the customer's comment.</summary>
public sealed record ComplaintRevisitRequest(int? Score, string? Comment);

/// <summary>The lessons learned.</summary>
public sealed record ComplaintLessonsRequest(string? Summary, string? Improvement);

/// <summary>A complaint in a list.</summary>
public sealed record ComplaintSummaryDto(
    long Id, string Channel, string CustomerId, string Content, string? ChargerId, string? WorkOrderId, DateTimeOffset ReceivedAt, string State,
    int? LastRevisitScore, DateTimeOffset? ClosedAt)
{
    public static ComplaintSummaryDto From(ComplaintRecord r) => new(
        r.Id, CareApi.ChannelName(r.Channel), r.CustomerId, r.Content, r.ChargerId, r.WorkOrderId, r.ReceivedAt, r.State.ToString(), r.LastRevisitScore, r.ClosedAt);
}

/// <summary>A plan of a complaint.</summary>
public sealed record ComplaintPlanDto(int Number, string Measures, string ResponsiblePerson, DateTimeOffset Deadline, DateTimeOffset At, string By);

/// <summary>A progress update given to the customer.</summary>
public sealed record ComplaintProgressDto(DateTimeOffset At, string Channel, string Message, string By);

/// <summary>A revisit.</summary>
public sealed record ComplaintRevisitDto(DateTimeOffset At, int Score, string? Comment, bool Satisfied, string By);

/// <summary>One entry of a complaint's history (trigger and from are null for its recording).</summary>
public sealed record ComplaintHistoryDto(DateTimeOffset At, string? Trigger, string? From, string To, string ActorId, string ActorName, string ActorRole, string? Reason);

/// <summary>The lessons learned.</summary>
public sealed record ComplaintLessonsDto(string? Summary, string? Improvement);

/// <summary>A complaint with its whole history and the triggers it accepts now.</summary>
public sealed record ComplaintDto(
    long Id, string Channel, string CustomerId, string Content, string? ChargerId, string? WorkOrderId, string Apology, DateTimeOffset ReceivedAt,
    string RecordedBy, string State, string? Investigator, string? Cause, string? ResponsibleParty, ComplaintPlanDto? Plan,
    IReadOnlyList<ComplaintPlanDto> Plans, IReadOnlyList<ComplaintProgressDto> Progress, IReadOnlyList<ComplaintRevisitDto> Revisits,
    ComplaintLessonsDto Lessons, DateTimeOffset? ClosedAt, IReadOnlyList<string> AllowedTriggers, IReadOnlyList<ComplaintHistoryDto> History)
{
    public static async Task<ComplaintDto> FromAsync(Complaint complaint)
    {
        ArgumentNullException.ThrowIfNull(complaint);
        var allowed = await complaint.GetPermittedTriggersAsync();
        var r = complaint.Record;
        var plans = r.Plans.OrderBy(p => p.Number).Select(p => new ComplaintPlanDto(p.Number, p.Measures, p.ResponsiblePerson, p.Deadline, p.At, p.By)).ToList();
        return new ComplaintDto(
            r.Id, CareApi.ChannelName(r.Channel), r.CustomerId, r.Content, r.ChargerId, r.WorkOrderId, r.Apology, r.ReceivedAt, r.RecordedBy, r.State.ToString(),
            r.Investigator, r.Cause, r.ResponsibleParty, plans.LastOrDefault(), plans,
            r.ProgressUpdates.Select(p => new ComplaintProgressDto(p.At, CareApi.ChannelName(p.Channel), p.Message, p.By)).ToList(),
            r.Revisits.Select(v => new ComplaintRevisitDto(v.At, v.Score, v.Comment, v.Satisfied, v.By)).ToList(),
            new ComplaintLessonsDto(r.LessonsSummary, r.LessonsImprovement), r.ClosedAt,
            allowed.Select(t => t.ToString()).ToList(),
            r.Transitions.OrderBy(t => t.At).ThenBy(t => t.Id)
                .Select(t => new ComplaintHistoryDto(t.At, t.Trigger?.ToString(), t.FromState?.ToString(), t.ToState.ToString(), t.ActorId, t.ActorName, t.ActorRole, t.Reason))
                .ToList());
    }
}

/// <summary>A new survey: <c>subjectType</c> is <c>work-order</c> or <c>complaint</c>.</summary>
public sealed record SurveyCreateRequest(string? SubjectType, string? SubjectId, int? Score, string? Comment);

/// <summary>A satisfaction survey; <c>source</c> is <c>survey</c> or <c>revisit</c> (a complaint's revisit).</summary>
public sealed record SurveyDto(long Id, string SubjectType, string SubjectId, int Score, string? Comment, DateTimeOffset At, string RecordedBy, string Source)
{
    public static SurveyDto From(SurveyRecord s) => new(
        s.Id, CareApi.SubjectName(s.Subject), s.SubjectId, s.Score, s.Comment, s.At, s.RecordedBy, s.Source == SurveySource.Revisit ? "revisit" : "survey");
}

/// <summary>The KPIs of a period: fleet total and groups (see the README for every formula).</summary>
public sealed record KpiReportDto(DateTimeOffset From, DateTimeOffset To, string GroupBy, KpiFigures Fleet, IReadOnlyList<KpiGroup> Groups)
{
    public static KpiReportDto Of(KpiReport r) => new(r.From, r.To, r.GroupBy.ToString().ToLowerInvariant(), r.Fleet, r.Groups);
}

/// <summary>Source-generated JSON of the customer-care API: camelCase, timestamps as ISO-8601 UTC with Z.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(InquiryCreateRequest))]
[JsonSerializable(typeof(InquiryRouteRequest))]
[JsonSerializable(typeof(InquiryAnswerRequest))]
[JsonSerializable(typeof(InquiryDto))]
[JsonSerializable(typeof(List<InquiryDto>))]
[JsonSerializable(typeof(ComplaintCreateRequest))]
[JsonSerializable(typeof(ComplaintInvestigateRequest))]
[JsonSerializable(typeof(ComplaintCauseRequest))]
[JsonSerializable(typeof(ComplaintPlanRequest))]
[JsonSerializable(typeof(ComplaintReasonRequest))]
[JsonSerializable(typeof(ComplaintProgressRequest))]
[JsonSerializable(typeof(ComplaintRevisitRequest))]
[JsonSerializable(typeof(ComplaintLessonsRequest))]
[JsonSerializable(typeof(ComplaintDto))]
[JsonSerializable(typeof(List<ComplaintSummaryDto>))]
[JsonSerializable(typeof(SurveyCreateRequest))]
[JsonSerializable(typeof(SurveyDto))]
[JsonSerializable(typeof(List<SurveyDto>))]
[JsonSerializable(typeof(KpiReportDto))]
[JsonSerializable(typeof(string[]))]
public sealed partial class CareJsonContext : JsonSerializerContext;
