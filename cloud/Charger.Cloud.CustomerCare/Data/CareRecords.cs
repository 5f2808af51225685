namespace Charger.Cloud.CustomerCare.Data;

/// <summary>How a customer reached the service organisation.</summary>
public enum ContactChannel
{
    Phone,
    Email,
    Online,
}

/// <summary>Where an inquiry stands.</summary>
public enum InquiryStatus
{
    /// <summary>Routed to a person or role who has promised a reply.</summary>
    Routed,

    /// <summary>Answered (on the spot or later) and closed.</summary>
    Answered,
}

/// <summary>What a satisfaction survey is about.</summary>
public enum SurveySubject
{
    WorkOrder,
    Complaint,
}

/// <summary>How a survey was taken.</summary>
public enum SurveySource
{
    /// <summary>Entered from a survey form or call.</summary>
    Survey,

    /// <summary>The satisfaction score of a complaint's revisit.</summary>
    Revisit,
}

/// <summary>A customer's inquiry (policy 三(一)): a question by phone, e-mail or online message.</summary>
public sealed class InquiryRecord
{
    public long Id { get; set; }

    public ContactChannel Channel { get; set; }

    public required string CustomerId { get; set; }

    public required string Content { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public required string RecordedBy { get; set; }

    public InquiryStatus Status { get; set; }

    /// <summary>The person the reply is owed by, when routed to a person.</summary>
    public string? RoutedToUser { get; set; }

    /// <summary>The role the reply is owed by, when routed to a role.</summary>
    public string? RoutedToRole { get; set; }

    public DateTimeOffset? RoutedAt { get; set; }

    /// <summary>The reply time promised to the customer.</summary>
    public DateTimeOffset? PromisedReplyBy { get; set; }

    public string? Answer { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }

    public string? AnsweredBy { get; set; }

    /// <summary>True when answered while the customer was on the line (never routed).</summary>
    public bool AnsweredOnTheSpot { get; set; }

    /// <summary>Optimistic concurrency: incremented on every change.</summary>
    public int Version { get; set; }
}

/// <summary>A complaint (policy 三(五)), its current data; the state machine lives in <c>Complaint</c>.</summary>
public sealed class ComplaintRecord
{
    public long Id { get; set; }

    public ContactChannel Channel { get; set; }

    public required string CustomerId { get; set; }

    public required string Content { get; set; }

    public string? ChargerId { get; set; }

    public string? WorkOrderId { get; set; }

    /// <summary>The apology given to the customer at intake.</summary>
    public required string Apology { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public required string RecordedBy { get; set; }

    public Complaints.ComplaintState State { get; set; }

    public string? Investigator { get; set; }

    public string? Cause { get; set; }

    public string? ResponsibleParty { get; set; }

    /// <summary>Number of the current plan (0 before the first).</summary>
    public int PlanNumber { get; set; }

    public string? PlanMeasures { get; set; }

    public string? PlanResponsiblePerson { get; set; }

    public DateTimeOffset? PlanDeadline { get; set; }

    public int? LastRevisitScore { get; set; }

    public string? LessonsSummary { get; set; }

    public string? LessonsImprovement { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public int Version { get; set; }

    public List<ComplaintTransitionRecord> Transitions { get; set; } = [];

    public List<ComplaintPlanRecord> Plans { get; set; } = [];

    public List<ComplaintProgressRecord> ProgressUpdates { get; set; } = [];

    public List<ComplaintRevisitRecord> Revisits { get; set; } = [];
}

/// <summary>One transition of a complaint: who, when, why.</summary>
public sealed class ComplaintTransitionRecord
{
    public long Id { get; set; }

    public long ComplaintId { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The trigger; null for the complaint's recording.</summary>
    public Complaints.ComplaintTrigger? Trigger { get; set; }

    /// <summary>The state before; null for the complaint's recording.</summary>
    public Complaints.ComplaintState? FromState { get; set; }

    public Complaints.ComplaintState ToState { get; set; }

    public required string ActorId { get; set; }

    public required string ActorName { get; set; }

    public required string ActorRole { get; set; }

    public string? Reason { get; set; }
}

/// <summary>A handling plan; a reopened complaint gets a new one.</summary>
public sealed class ComplaintPlanRecord
{
    public long Id { get; set; }

    public long ComplaintId { get; set; }

    public int Number { get; set; }

    public required string Measures { get; set; }

    public required string ResponsiblePerson { get; set; }

    public DateTimeOffset Deadline { get; set; }

    public DateTimeOffset At { get; set; }

    public required string By { get; set; }
}

/// <summary>A progress update given to the customer.</summary>
public sealed class ComplaintProgressRecord
{
    public long Id { get; set; }

    public long ComplaintId { get; set; }

    public DateTimeOffset At { get; set; }

    public ContactChannel Channel { get; set; }

    public required string Message { get; set; }

    public required string By { get; set; }
}

/// <summary>The specialist's call back: the customer's satisfaction.</summary>
public sealed class ComplaintRevisitRecord
{
    public long Id { get; set; }

    public long ComplaintId { get; set; }

    public DateTimeOffset At { get; set; }

    public int Score { get; set; }

    public string? Comment { get; set; }

    public bool Satisfied { get; set; }

    public required string By { get; set; }
}

/// <summary>A satisfaction survey: one per closed work order and one per complaint.</summary>
public sealed class SurveyRecord
{
    public long Id { get; set; }

    public SurveySubject Subject { get; set; }

    public required string SubjectId { get; set; }

    public int Score { get; set; }

    public string? Comment { get; set; }

    public DateTimeOffset At { get; set; }

    public required string RecordedBy { get; set; }

    public SurveySource Source { get; set; }

    /// <summary>The work order's team when surveyed (for KPIs by team).</summary>
    public string? Team { get; set; }

    public string? EngineerId { get; set; }

    public string? ChargerModel { get; set; }

    public int Version { get; set; }
}
