using System.Globalization;
using Charger.Cloud.AfterSales;
using Charger.Cloud.CustomerCare.Complaints;
using Charger.Cloud.CustomerCare.Data;
using Charger.Cloud.CustomerCare.Inquiries;
using Charger.Cloud.CustomerCare.Kpis;
using Charger.Cloud.CustomerCare.Surveys;
using Charger.Cloud.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Charger.Cloud.CustomerCare.Api;

/// <summary>The customer-care endpoints under <c>/api/v1</c>: inquiries, complaints, surveys, KPIs.</summary>
public static class CareApi
{
    private static readonly SortKeys<InquiryRecord> InquirySort = new SortKeys<InquiryRecord>("-receivedAt", i => i.Id)
        .Add("receivedAt", i => i.ReceivedAt).Add("id", i => i.Id).AddRanked("status", i => i.Status).AddRanked("channel", i => i.Channel)
        .Add("customerId", i => i.CustomerId).Add("promisedReplyBy", i => i.PromisedReplyBy).Add("answeredAt", i => i.AnsweredAt);

    private static readonly SortKeys<ComplaintRecord> ComplaintSort = new SortKeys<ComplaintRecord>("-receivedAt", c => c.Id)
        .Add("receivedAt", c => c.ReceivedAt).Add("id", c => c.Id).AddRanked("state", c => c.State).AddRanked("channel", c => c.Channel)
        .Add("customerId", c => c.CustomerId).Add("chargerId", c => c.ChargerId).Add("lastRevisitScore", c => c.LastRevisitScore).Add("closedAt", c => c.ClosedAt);

    private static readonly SortKeys<SurveyRecord> SurveySort = new SortKeys<SurveyRecord>("-at", x => x.Id)
        .Add("at", x => x.At).Add("id", x => x.Id).Add("score", x => x.Score).AddRanked("subjectType", x => x.Subject).Add("subjectId", x => x.SubjectId);

    private static readonly CsvColumn<InquiryDto>[] InquiryColumns =
    [
        new("id", i => Num(i.Id)), new("channel", i => i.Channel), new("customerId", i => i.CustomerId), new("content", i => i.Content),
        new("receivedAt", i => Iso(i.ReceivedAt)), new("recordedBy", i => i.RecordedBy), new("status", i => i.Status), new("overdue", i => i.Overdue ? "true" : "false"),
        new("routedToUser", i => i.RoutedToUser), new("routedToRole", i => i.RoutedToRole), new("routedAt", i => Iso(i.RoutedAt)),
        new("promisedReplyBy", i => Iso(i.PromisedReplyBy)), new("answer", i => i.Answer), new("answeredAt", i => Iso(i.AnsweredAt)), new("answeredBy", i => i.AnsweredBy),
        new("answeredOnTheSpot", i => i.AnsweredOnTheSpot ? "true" : "false"),
    ];

    private static readonly CsvColumn<ComplaintSummaryDto>[] ComplaintColumns =
    [
        new("id", c => Num(c.Id)), new("channel", c => c.Channel), new("customerId", c => c.CustomerId), new("content", c => c.Content),
        new("chargerId", c => c.ChargerId), new("workOrderId", c => c.WorkOrderId), new("receivedAt", c => Iso(c.ReceivedAt)), new("state", c => c.State),
        new("lastRevisitScore", c => c.LastRevisitScore is { } score ? Num(score) : null), new("closedAt", c => Iso(c.ClosedAt)),
    ];

    private static readonly CsvColumn<SurveyDto>[] SurveyColumns =
    [
        new("id", x => Num(x.Id)), new("subjectType", x => x.SubjectType), new("subjectId", x => x.SubjectId), new("score", x => Num(x.Score)),
        new("comment", x => x.Comment), new("at", x => Iso(x.At)), new("recordedBy", x => x.RecordedBy), new("source", x => x.Source),
    ];

    /// <summary>Who may do what (the role intent of issue 4; the README's table).</summary>
    public static class Allowed
    {
        /// <summary>Recording inquiries and routing them.</summary>
        public static readonly string[] InquiryWrite = [Roles.ServiceSpecialist, Roles.Supervisor];

        /// <summary>Answering a routed inquiry (it may be routed to technical support).</summary>
        public static readonly string[] InquiryAnswer = [Roles.ServiceSpecialist, Roles.Supervisor, Roles.TechnicalSupport];

        /// <summary>Reading inquiries.</summary>
        public static readonly string[] InquiryRead = [Roles.ServiceSpecialist, Roles.Supervisor, Roles.TechnicalSupport, Roles.Auditor];

        /// <summary>The service specialist's part of a complaint: record, progress updates, revisit; start and complete the measures.</summary>
        public static readonly string[] ComplaintSpecialist = [Roles.ServiceSpecialist, Roles.Supervisor];

        /// <summary>The supervisor's part: investigation, cause and responsibility, plan, lessons, close.</summary>
        public static readonly string[] ComplaintSupervisor = [Roles.Supervisor];

        /// <summary>Reading complaints.</summary>
        public static readonly string[] ComplaintRead = [Roles.ServiceSpecialist, Roles.Supervisor, Roles.Auditor];

        /// <summary>Entering satisfaction surveys.</summary>
        public static readonly string[] SurveyWrite = [Roles.ServiceSpecialist, Roles.Supervisor];

        /// <summary>Reading surveys.</summary>
        public static readonly string[] SurveyRead = [Roles.ServiceSpecialist, Roles.Supervisor, Roles.Auditor];

        /// <summary>KPIs.</summary>
        public static readonly string[] Kpis = [Roles.Supervisor, Roles.Auditor];
    }

    /// <summary>Maps the customer-care endpoints.</summary>
    public static IEndpointRouteBuilder MapCustomerCare(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1");

        var inquiries = api.MapGroup("/inquiries").WithTags("Inquiries");
        inquiries.MapPost(string.Empty, CreateInquiryAsync).AllowRoles(Allowed.InquiryWrite)
            .WithSummary("Record an inquiry").WithDescription("Channel (phone, email, online), customer id (must be on record) and content; either `answer` (answered on the spot, closed) or `routedToUser`/`routedToRole` with `promisedReplyBy` (routed).");
        inquiries.MapGet(string.Empty, ListInquiriesAsync).AllowRoles(Allowed.InquiryRead)
            .WithSummary("List inquiries").WithDescription("A page of inquiries, newest first unless sorted otherwise.")
            .Produces<Page<InquiryDto>>().ProducesValidationProblem()
            .WithQueryParameters(
                ("status", JsonSchemaType.String, null, "routed or answered."),
                ("overdue", JsonSchemaType.Boolean, null, "true: routed past the promised reply time; false: the others."),
                ("customerId", JsonSchemaType.String, null, "Only this customer's."),
                ("channel", JsonSchemaType.String, null, "phone, email or online."))
            .WithListParameters(InquirySort);
        inquiries.MapGet("/{id}", GetInquiryAsync).AllowRoles(Allowed.InquiryRead).WithSummary("One inquiry");
        inquiries.MapPost("/{id}/route", RouteInquiryAsync).AllowRoles(Allowed.InquiryWrite)
            .WithSummary("Route an open inquiry").WithDescription("To a person (routedToUser) or a role (routedToRole) with a new promised reply time; 409 once answered.");
        inquiries.MapPost("/{id}/answer", AnswerInquiryAsync).AllowRoles(Allowed.InquiryAnswer)
            .WithSummary("Answer a routed inquiry").WithDescription("Records the reply and closes the inquiry; 409 if already answered.");

        var complaints = api.MapGroup("/complaints").WithTags("Complaints");
        complaints.MapPost(string.Empty, CreateComplaintAsync).AllowRoles(Allowed.ComplaintSpecialist)
            .WithSummary("Record a complaint").WithDescription("Channel, customer id, content, optional chargerId and workOrderId, and the apology given to the customer (required).");
        complaints.MapGet(string.Empty, ListComplaintsAsync).AllowRoles(Allowed.ComplaintRead)
            .WithSummary("List complaints").WithDescription("A page of complaints, newest first unless sorted otherwise.")
            .Produces<Page<ComplaintSummaryDto>>().ProducesValidationProblem()
            .WithQueryParameters(
                ("state", JsonSchemaType.String, null, "Recorded, Investigating, Planned, InProgress, AwaitingRevisit, Reopened, Satisfied or Closed."),
                ("customerId", JsonSchemaType.String, null, "Only this customer's."))
            .WithListParameters(ComplaintSort);
        complaints.MapGet("/{id}", GetComplaintAsync).AllowRoles(Allowed.ComplaintRead)
            .WithSummary("One complaint").WithDescription("With its plans, progress updates, revisits, lessons, history (who, when, why) and the triggers allowed now.");
        complaints.MapPost("/{id}/investigate", InvestigateAsync).AllowRoles(Allowed.ComplaintSupervisor)
            .WithSummary("Organise the investigation").WithDescription("Recorded -> Investigating.");
        complaints.MapPost("/{id}/cause", DetermineCauseAsync).AllowRoles(Allowed.ComplaintSupervisor)
            .WithSummary("Record cause and responsible party").WithDescription("While Investigating or Reopened.");
        complaints.MapPost("/{id}/plan", PlanAsync).AllowRoles(Allowed.ComplaintSupervisor)
            .WithSummary("Make a handling plan").WithDescription("Measures, responsible person, deadline: Investigating or Reopened -> Planned; needs the cause and responsible party.");
        complaints.MapPost("/{id}/start", StartAsync).AllowRoles(Allowed.ComplaintSpecialist)
            .WithSummary("Start the plan's measures").WithDescription("Planned -> InProgress.");
        complaints.MapPost("/{id}/progress", ProgressAsync).AllowRoles(Allowed.ComplaintSpecialist)
            .WithSummary("Record a progress update given to the customer").WithDescription("With its channel; while Investigating, Planned, InProgress or Reopened.");
        complaints.MapPost("/{id}/complete", CompleteAsync).AllowRoles(Allowed.ComplaintSpecialist)
            .WithSummary("The measures are done").WithDescription("InProgress -> AwaitingRevisit.");
        complaints.MapPost("/{id}/revisit", RevisitAsync).AllowRoles(Allowed.ComplaintSpecialist)
            .WithSummary("Record the revisit").WithDescription("Score 1-5 and comment: at or above Care:SatisfiedThreshold -> Satisfied, below -> Reopened (a new plan follows). The score is the complaint's survey.");
        complaints.MapPost("/{id}/lessons", LessonsAsync).AllowRoles(Allowed.ComplaintSupervisor)
            .WithSummary("Record the lessons learned").WithDescription("Summary and improvement; required before closing.");
        complaints.MapPost("/{id}/close", CloseAsync).AllowRoles(Allowed.ComplaintSupervisor)
            .WithSummary("Close a complaint").WithDescription("Satisfied -> Closed; needs the lessons learned.");

        var surveys = api.MapGroup("/surveys").WithTags("Surveys");
        surveys.MapPost(string.Empty, CreateSurveyAsync).AllowRoles(Allowed.SurveyWrite)
            .WithSummary("Record a satisfaction survey").WithDescription("subjectType work-order (a closed work order) or complaint (taken at its revisit), subjectId, score 1-5, comment; one per subject (409 for a second).");
        surveys.MapGet(string.Empty, ListSurveysAsync).AllowRoles(Allowed.SurveyRead)
            .WithSummary("List surveys").WithDescription("A page of surveys, newest first unless sorted otherwise.")
            .Produces<Page<SurveyDto>>().ProducesValidationProblem()
            .WithQueryParameters(
                ("subjectType", JsonSchemaType.String, null, "work-order or complaint."),
                ("subjectId", JsonSchemaType.String, null, "The work order's or complaint's id."),
                ("from", JsonSchemaType.String, "date-time", "Recorded at or after."),
                ("to", JsonSchemaType.String, "date-time", "Recorded before."))
            .WithListParameters(SurveySort);

        api.MapGet("/kpis", GetKpisAsync).AllowRoles(Allowed.Kpis).WithTags("KPIs")
            .WithSummary("Service KPIs of a period").WithDescription("from (inclusive), to (exclusive; default now; from defaults to Care:DefaultKpiPeriodDays before to), groupBy team|engineer|model. Computed from the records; a figure without data is null. Formulas in the README.");
        return endpoints;
    }

    private static RouteHandlerBuilder AllowRoles(this RouteHandlerBuilder endpoint, string[] roles) =>
        endpoint.RequireAuthorization(p => p.RequireRole(roles));

    internal static string ChannelName(ContactChannel c) => c.ToString().ToLowerInvariant();

    internal static string SubjectName(SurveySubject s) => s == SurveySubject.WorkOrder ? "work-order" : "complaint";

    // ---- inquiries

    internal static Task<Results<Created<InquiryDto>, ValidationProblem, ProblemHttpResult>> CreateInquiryAsync(
        InquiryCreateRequest body, HttpContext http, InquiryService inquiries, CancellationToken ct) => Create(async () =>
    {
        var record = await inquiries.CreateAsync(
            new NewInquiry(Channel("channel", body.Channel), body.CustomerId ?? string.Empty, body.Content ?? string.Empty, body.Answer, body.RoutedToUser, body.RoutedToRole, body.PromisedReplyBy),
            ActorOf(http), ct);
        return ($"/api/v1/inquiries/{record.Id}", InquiryDto.From(record, inquiries.IsOverdue(record)));
    });

    /// <summary>The inquiries list's filters (query parameters).</summary>
    internal sealed record InquiryQuery(string? Status = null, string? Overdue = null, string? CustomerId = null, string? Channel = null);

    internal static Task<IResult> ListInquiriesAsync([AsParameters] InquiryQuery query, [AsParameters] ListQuery listQuery, InquiryService inquiries, CancellationToken ct) =>
        ListAsync(listQuery, InquirySort, () =>
        {
            InquiryStatus? s = query.Status is null ? null : Enum.TryParse<InquiryStatus>(query.Status, true, out var parsed) && Enum.IsDefined(parsed) ? parsed
                : throw new CareValidationException("status", $"'{query.Status}' is not a status; expected routed or answered.");
            bool? o = query.Overdue is null ? null : bool.TryParse(query.Overdue, out var b) ? b : throw new CareValidationException("overdue", "'overdue' is true or false.");
            return new InquiryFilter(s, o, Blank(query.CustomerId), query.Channel is null ? null : Channel("channel", query.Channel));
        }, (filter, list) => inquiries.QueryAsync(filter, q => ListResponse.PageAsync(q, InquirySort, list, i => InquiryDto.From(i, inquiries.IsOverdue(i)), InquiryColumns, "inquiries.csv", ct), ct));

    internal static Task<Results<Ok<InquiryDto>, ValidationProblem, ProblemHttpResult>> GetInquiryAsync(long id, InquiryService inquiries, CancellationToken ct) =>
        Run(async () => { var r = await inquiries.GetAsync(id, ct); return InquiryDto.From(r, inquiries.IsOverdue(r)); });

    internal static Task<Results<Ok<InquiryDto>, ValidationProblem, ProblemHttpResult>> RouteInquiryAsync(
        long id, InquiryRouteRequest body, HttpContext http, InquiryService inquiries, CancellationToken ct) => Run(async () =>
    {
        var r = await inquiries.RouteAsync(id, body.RoutedToUser, body.RoutedToRole, body.PromisedReplyBy, body.Reason, ActorOf(http), ct);
        return InquiryDto.From(r, inquiries.IsOverdue(r));
    });

    internal static Task<Results<Ok<InquiryDto>, ValidationProblem, ProblemHttpResult>> AnswerInquiryAsync(
        long id, InquiryAnswerRequest body, HttpContext http, InquiryService inquiries, CancellationToken ct) => Run(async () =>
    {
        var r = await inquiries.AnswerAsync(id, body.Answer ?? string.Empty, ActorOf(http), ct);
        return InquiryDto.From(r, inquiries.IsOverdue(r));
    });

    // ---- complaints

    internal static Task<Results<Created<ComplaintDto>, ValidationProblem, ProblemHttpResult>> CreateComplaintAsync(
        ComplaintCreateRequest body, HttpContext http, ComplaintService complaints, CancellationToken ct) => Create(async () =>
    {
        var c = await complaints.CreateAsync(
            new NewComplaint(Channel("channel", body.Channel), body.CustomerId ?? string.Empty, body.Content ?? string.Empty, body.ChargerId, body.WorkOrderId, body.Apology ?? string.Empty),
            ActorOf(http), ct);
        return ($"/api/v1/complaints/{c.Record.Id}", await ComplaintDto.FromAsync(c));
    });

    /// <summary>The complaints list's filters (query parameters).</summary>
    internal sealed record ComplaintQuery(string? State = null, string? CustomerId = null);

    internal static Task<IResult> ListComplaintsAsync([AsParameters] ComplaintQuery query, [AsParameters] ListQuery listQuery, ComplaintService complaints, CancellationToken ct) =>
        ListAsync(listQuery, ComplaintSort, () =>
        {
            ComplaintState? s = query.State is null ? null : Enum.TryParse<ComplaintState>(query.State, true, out var parsed) && Enum.IsDefined(parsed) ? parsed
                : throw new CareValidationException("state", $"'{query.State}' is not a complaint state; expected one of {string.Join(", ", Enum.GetNames<ComplaintState>())}.");
            return new ComplaintFilter(s, Blank(query.CustomerId));
        }, (filter, list) => complaints.QueryAsync(filter, q => ListResponse.PageAsync(q, ComplaintSort, list, ComplaintSummaryDto.From, ComplaintColumns, "complaints.csv", ct), ct));

    internal static Task<Results<Ok<ComplaintDto>, ValidationProblem, ProblemHttpResult>> GetComplaintAsync(long id, ComplaintService complaints, CancellationToken ct) =>
        Run(async () => await ComplaintDto.FromAsync(await complaints.GetAsync(id, ct)));

    internal static Task<Results<Ok<ComplaintDto>, ValidationProblem, ProblemHttpResult>> InvestigateAsync(
        long id, ComplaintInvestigateRequest body, HttpContext http, ComplaintService complaints, CancellationToken ct) =>
        Run(async () => await ComplaintDto.FromAsync(await complaints.InvestigateAsync(id, body.Investigator, body.Reason, ActorOf(http), ct)));

    internal static Task<Results<Ok<ComplaintDto>, ValidationProblem, ProblemHttpResult>> DetermineCauseAsync(
        long id, ComplaintCauseRequest body, HttpContext http, ComplaintService complaints, CancellationToken ct) =>
        Run(async () => await ComplaintDto.FromAsync(await complaints.DetermineCauseAsync(id, body.Cause ?? string.Empty, body.ResponsibleParty ?? string.Empty, body.Reason, ActorOf(http), ct)));

    internal static Task<Results<Ok<ComplaintDto>, ValidationProblem, ProblemHttpResult>> PlanAsync(
        long id, ComplaintPlanRequest body, HttpContext http, ComplaintService complaints, CancellationToken ct) =>
        Run(async () => await ComplaintDto.FromAsync(await complaints.PlanAsync(id, body.Measures ?? string.Empty, body.ResponsiblePerson ?? string.Empty, body.Deadline, body.Reason, ActorOf(http), ct)));

    internal static Task<Results<Ok<ComplaintDto>, ValidationProblem, ProblemHttpResult>> StartAsync(
        long id, ComplaintReasonRequest? body, HttpContext http, ComplaintService complaints, CancellationToken ct) =>
        Run(async () => await ComplaintDto.FromAsync(await complaints.StartWorkAsync(id, body?.Reason, ActorOf(http), ct)));

    internal static Task<Results<Ok<ComplaintDto>, ValidationProblem, ProblemHttpResult>> ProgressAsync(
        long id, ComplaintProgressRequest body, HttpContext http, ComplaintService complaints, CancellationToken ct) =>
        Run(async () => await ComplaintDto.FromAsync(await complaints.UpdateProgressAsync(id, Channel("channel", body.Channel), body.Message ?? string.Empty, ActorOf(http), ct)));

    internal static Task<Results<Ok<ComplaintDto>, ValidationProblem, ProblemHttpResult>> CompleteAsync(
        long id, ComplaintReasonRequest? body, HttpContext http, ComplaintService complaints, CancellationToken ct) =>
        Run(async () => await ComplaintDto.FromAsync(await complaints.CompleteMeasuresAsync(id, body?.Reason, ActorOf(http), ct)));

    internal static Task<Results<Ok<ComplaintDto>, ValidationProblem, ProblemHttpResult>> RevisitAsync(
        long id, ComplaintRevisitRequest body, HttpContext http, ComplaintService complaints, CancellationToken ct) =>
        Run(async () => await ComplaintDto.FromAsync(await complaints.RecordRevisitAsync(id, body.Score, body.Comment, ActorOf(http), ct)));

    internal static Task<Results<Ok<ComplaintDto>, ValidationProblem, ProblemHttpResult>> LessonsAsync(
        long id, ComplaintLessonsRequest body, HttpContext http, ComplaintService complaints, CancellationToken ct) =>
        Run(async () => await ComplaintDto.FromAsync(await complaints.RecordLessonsAsync(id, body.Summary ?? string.Empty, body.Improvement ?? string.Empty, ActorOf(http), ct)));

    internal static Task<Results<Ok<ComplaintDto>, ValidationProblem, ProblemHttpResult>> CloseAsync(
        long id, ComplaintReasonRequest? body, HttpContext http, ComplaintService complaints, CancellationToken ct) =>
        Run(async () => await ComplaintDto.FromAsync(await complaints.CloseAsync(id, body?.Reason, ActorOf(http), ct)));

    // ---- surveys

    internal static Task<Results<Created<SurveyDto>, ValidationProblem, ProblemHttpResult>> CreateSurveyAsync(
        SurveyCreateRequest body, HttpContext http, SurveyService surveys, CancellationToken ct) => Create(async () =>
    {
        var s = await surveys.CreateAsync(Subject("subjectType", body.SubjectType), body.SubjectId ?? string.Empty, body.Score, body.Comment, ActorOf(http), ct);
        return ($"/api/v1/surveys?subjectType={SubjectName(s.Subject)}&subjectId={Uri.EscapeDataString(s.SubjectId)}", SurveyDto.From(s));
    });

    /// <summary>The surveys list's filters (query parameters).</summary>
    internal sealed record SurveyQuery(string? SubjectType = null, string? SubjectId = null, string? From = null, string? To = null);

    internal static Task<IResult> ListSurveysAsync([AsParameters] SurveyQuery query, [AsParameters] ListQuery listQuery, SurveyService surveys, CancellationToken ct) =>
        ListAsync(listQuery, SurveySort,
            () => new SurveyFilter(query.SubjectType is null ? null : Subject("subjectType", query.SubjectType), Blank(query.SubjectId), Time("from", query.From), Time("to", query.To)),
            (filter, list) => surveys.QueryAsync(filter, q => ListResponse.PageAsync(q, SurveySort, list, SurveyDto.From, SurveyColumns, "surveys.csv", ct), ct));

    // ---- KPIs

    internal static Task<Results<Ok<KpiReportDto>, ValidationProblem, ProblemHttpResult>> GetKpisAsync(
        string? from, string? to, string? groupBy, KpiService kpis, TimeProvider clock, IOptions<CareOptions> options, CancellationToken ct) => Run(async () =>
    {
        var end = Time("to", to) ?? clock.GetUtcNow();
        var start = Time("from", from) ?? end.AddDays(-options.Value.DefaultKpiPeriodDays);
        if (end <= start)
        {
            throw new CareValidationException("to", "'to' must be later than 'from'.");
        }

        if (end - start > TimeSpan.FromDays(options.Value.MaxKpiPeriodDays))
        {
            throw new CareValidationException("from", $"The period is longer than Care:MaxKpiPeriodDays ({options.Value.MaxKpiPeriodDays} days).");
        }

        var by = groupBy is null ? KpiGroupBy.None : groupBy.ToLowerInvariant() switch
        {
            "team" => KpiGroupBy.Team,
            "engineer" => KpiGroupBy.Engineer,
            "model" => KpiGroupBy.Model,
            "none" => KpiGroupBy.None,
            _ => throw new CareValidationException("groupBy", $"'{groupBy}' is not a grouping; expected team, engineer or model."),
        };
        return KpiReportDto.Of(await kpis.ComputeAsync(start, end, by, ct));
    });

    // ---- helpers

    private static Actor ActorOf(HttpContext http) =>
        Actor.FromPrincipal(http.User) ?? throw new InvalidOperationException("The endpoint requires authorization, yet no user is signed in.");

    private static ContactChannel Channel(string field, string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "phone" => ContactChannel.Phone,
        "email" or "e-mail" => ContactChannel.Email,
        "online" => ContactChannel.Online,
        null or "" => throw new CareValidationException(field, $"'{field}' is required: phone, email or online."),
        _ => throw new CareValidationException(field, $"'{value}' is not a channel; expected phone, email or online."),
    };

    private static SurveySubject Subject(string field, string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "work-order" or "workorder" => SurveySubject.WorkOrder,
        "complaint" => SurveySubject.Complaint,
        null or "" => throw new CareValidationException(field, $"'{field}' is required: work-order or complaint."),
        _ => throw new CareValidationException(field, $"'{value}' is not a survey subject; expected work-order or complaint."),
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? Iso(DateTimeOffset? value) => value?.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>A list endpoint: its filters read by <paramref name="filter"/> (a wrong one is a 400 naming it), its list parameters, then <paramref name="page"/>.</summary>
    private static async Task<IResult> ListAsync<TFilter, TRow>(ListQuery listQuery, SortKeys<TRow> sortKeys, Func<TFilter> filter, Func<TFilter, ListRequest, Task<IResult>> page)
    {
        TFilter f;
        try
        {
            f = filter();
        }
        catch (CareValidationException ex)
        {
            return Problem(ex)!.Validation!;
        }

        return ListRequest.TryRead(listQuery, sortKeys, out var list, out var problem) ? await page(f, list) : problem!;
    }

    private static DateTimeOffset? Time(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : throw new CareValidationException(field, $"'{field}' must be an ISO-8601 timestamp, e.g. 2025-01-31T12:00:00Z.");
    }

    private static async Task<Results<Ok<T>, ValidationProblem, ProblemHttpResult>> Run<T>(Func<Task<T>> action)
    {
        try
        {
            return TypedResults.Ok(await action());
        }
        catch (Exception ex) when (Problem(ex) is { } problem)
        {
            return problem.IsT0 ? problem.Validation! : problem.Other!;
        }
    }

    private static async Task<Results<Created<T>, ValidationProblem, ProblemHttpResult>> Create<T>(Func<Task<(string Location, T Value)>> action)
    {
        try
        {
            var (location, value) = await action();
            return TypedResults.Created(location, value);
        }
        catch (Exception ex) when (Problem(ex) is { } problem)
        {
            return problem.IsT0 ? problem.Validation! : problem.Other!;
        }
    }

    private sealed record ProblemResult(ValidationProblem? Validation, ProblemHttpResult? Other)
    {
        public bool IsT0 => Validation is not null;
    }

    private static ProblemResult? Problem(Exception ex) => ex switch
    {
        CareValidationException v => new(ApiProblems.Invalid(v.Field, v.Message.Split(" (Parameter", 2)[0]), null),
        CareNotFoundException nf => new(null, TypedResults.Problem(title: "Not found", detail: nf.Message, statusCode: StatusCodes.Status404NotFound)),
        ComplaintTransitionRefusedException r => new(null, TypedResults.Problem(
            title: $"Not allowed while the complaint is {r.State}",
            detail: r.Message,
            statusCode: StatusCodes.Status409Conflict,
            extensions: new Dictionary<string, object?>
            {
                ["state"] = r.State.ToString(),
                ["trigger"] = r.Trigger.ToString(),
                ["allowedTriggers"] = r.Allowed.Select(t => t.ToString()).ToArray(),
                ["unmetGuards"] = r.UnmetGuards.ToArray(),
            })),
        CareConflictException c => new(null, TypedResults.Problem(title: "Conflict", detail: c.Message, statusCode: StatusCodes.Status409Conflict)),
        CareForbiddenException f => new(null, TypedResults.Problem(title: "Forbidden", detail: f.Message, statusCode: StatusCodes.Status403Forbidden)),
        _ => null,
    };
}
