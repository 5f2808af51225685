using Charger.Cloud.CustomerCare.Surveys;
using Charger.Cloud.AfterSales;
using Charger.Cloud.CustomerCare.Complaints;
using Charger.Cloud.CustomerCare.Data;
using Charger.Cloud.CustomerCare.Inquiries;
using Charger.Cloud.CustomerCare.Tests.Support;
using Charger.Cloud.Data;
using Microsoft.EntityFrameworkCore;

namespace Charger.Cloud.CustomerCare.Tests;

/// <summary>Inquiries, complaints and surveys through their services on a real database; run on SQLite and on PostgreSQL.</summary>
public abstract class CarePersistenceTests(DomainDbProvider provider) : IAsyncLifetime
{
    private CareWorld _world = null!;

    private static Actor Spec => CareWorld.Specialist;

    private static Actor Sup => CareWorld.Supervisor;

    public async Task InitializeAsync() => _world = await CareWorld.CreateAsync(provider);

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Inquiry_answered_on_the_spot_is_closed_at_once_and_audited()
    {
        var inquiry = await _world.Inquiries.CreateAsync(
            new NewInquiry(ContactChannel.Phone, "CUST-1", "How do I reset the RFID reader?", "Hold the reset button 5 s.", null, null, null), Spec, default);

        var stored = await _world.Inquiries.GetAsync(inquiry.Id, default);
        Assert.Equal((InquiryStatus.Answered, true, "Hold the reset button 5 s.", "spec-1", CareWorld.T0), (stored.Status, stored.AnsweredOnTheSpot, stored.Answer, stored.AnsweredBy, stored.AnsweredAt));
        Assert.False(_world.Inquiries.IsOverdue(stored));
        var entry = Assert.Single(await _world.AuditAsync());
        Assert.Equal(("inquiry.create", "inquiry", inquiry.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "spec-1"), (entry.Action, entry.EntityType, entry.EntityId, entry.Actor.UserId));

        var again = await Assert.ThrowsAsync<CareConflictException>(() => _world.Inquiries.AnswerAsync(inquiry.Id, "again", Spec, default));
        Assert.Contains("already Answered", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Routed_inquiry_becomes_overdue_when_its_promised_time_passes_and_leaves_the_list_when_answered()
    {
        var promised = CareWorld.T0.AddHours(4);
        var routed = await _world.Inquiries.CreateAsync(
            new NewInquiry(ContactChannel.Email, "CUST-1", "Is my charger compatible with 3-phase?", null, null, Roles.TechnicalSupport, promised), Spec, default);
        var other = await _world.Inquiries.CreateAsync(
            new NewInquiry(ContactChannel.Online, "CUST-1", "Invoice copy please", null, "spec-2", null, CareWorld.T0.AddDays(1)), Spec, default);
        Assert.Equal((InquiryStatus.Routed, Roles.TechnicalSupport, promised), (routed.Status, routed.RoutedToRole, routed.PromisedReplyBy));

        Assert.Empty(await _world.Inquiries.QueryAsync(new InquiryFilter(Overdue: true), q => q.ToListAsync(), default));

        _world.Clock.Advance(TimeSpan.FromHours(4) + TimeSpan.FromMilliseconds(1));
        var overdue = await _world.Inquiries.QueryAsync(new InquiryFilter(Overdue: true), q => q.ToListAsync(), default);
        Assert.Equal([routed.Id], overdue.Select(i => i.Id));
        Assert.Equal([other.Id], (await _world.Inquiries.QueryAsync(new InquiryFilter(Overdue: false, Status: InquiryStatus.Routed), q => q.ToListAsync(), default)).Select(i => i.Id));

        // Routing it again with a new promise takes it off the overdue list.
        await _world.Inquiries.RouteAsync(routed.Id, "ts-1", null, CareWorld.T0.AddHours(8), "needs the wiring diagram", Sup, default);
        Assert.Empty(await _world.Inquiries.QueryAsync(new InquiryFilter(Overdue: true), q => q.ToListAsync(), default));

        _world.Clock.Advance(TimeSpan.FromHours(5));
        Assert.Single(await _world.Inquiries.QueryAsync(new InquiryFilter(Overdue: true), q => q.ToListAsync(), default));
        var answered = await _world.Inquiries.AnswerAsync(routed.Id, "Yes, with the 3-phase kit.", new Actor("ts-1", "Li Na", Roles.TechnicalSupport), default);
        Assert.Equal((InquiryStatus.Answered, false), (answered.Status, answered.AnsweredOnTheSpot));
        Assert.Empty(await _world.Inquiries.QueryAsync(new InquiryFilter(Overdue: true), q => q.ToListAsync(), default));
        Assert.Contains(await _world.AuditAsync(), e => e.Action == "inquiry.answer" && e.Detail!.Contains("after the promised", StringComparison.Ordinal));

        // Filters by channel and customer.
        Assert.Equal([other.Id], (await _world.Inquiries.QueryAsync(new InquiryFilter(Channel: ContactChannel.Online), q => q.ToListAsync(), default)).Select(i => i.Id));
        Assert.Equal(2, (await _world.Inquiries.QueryAsync(new InquiryFilter(CustomerId: "CUST-1"), q => q.ToListAsync(), default)).Count);
        Assert.Empty(await _world.Inquiries.QueryAsync(new InquiryFilter(CustomerId: "CUST-2"), q => q.ToListAsync(), default));
    }

    [Fact]
    public async Task Inquiry_of_an_unknown_customer_or_without_answer_or_routing_is_refused_naming_the_field()
    {
        var unknown = await Assert.ThrowsAsync<CareValidationException>(() => _world.Inquiries.CreateAsync(
            new NewInquiry(ContactChannel.Phone, "CUST-404", "hello", "hi", null, null, null), Spec, default));
        Assert.Equal("customerId", unknown.Field);

        var neither = await Assert.ThrowsAsync<CareValidationException>(() => _world.Inquiries.CreateAsync(
            new NewInquiry(ContactChannel.Phone, "CUST-1", "hello", null, null, null, null), Spec, default));
        Assert.Equal("answer", neither.Field);

        var past = await Assert.ThrowsAsync<CareValidationException>(() => _world.Inquiries.CreateAsync(
            new NewInquiry(ContactChannel.Phone, "CUST-1", "hello", null, null, Roles.Supervisor, CareWorld.T0.AddMinutes(-1)), Spec, default));
        Assert.Equal("promisedReplyBy", past.Field);

        var badRole = await Assert.ThrowsAsync<CareValidationException>(() => _world.Inquiries.CreateAsync(
            new NewInquiry(ContactChannel.Phone, "CUST-1", "hello", null, null, "janitor", CareWorld.T0.AddHours(1)), Spec, default));
        Assert.Equal("routedToRole", badRole.Field);

        // The person is checked against the staff directory (Charger.Cloud.Access).
        var nobody = await Assert.ThrowsAsync<CareValidationException>(() => _world.Inquiries.CreateAsync(
            new NewInquiry(ContactChannel.Phone, "CUST-1", "hello", null, "ghost-7", null, CareWorld.T0.AddHours(1)), Spec, default));
        Assert.Equal("routedToUser", nobody.Field);
        Assert.Empty(await _world.AuditAsync());
    }

    [Fact]
    public async Task Complaint_goes_the_whole_way_with_history_persisted_and_every_transition_audited()
    {
        var c = await _world.Complaints.CreateAsync(new NewComplaint(ContactChannel.Phone, "CUST-1", "Engineer came late twice", "CP-7", "WO-9", "We apologise for the delays."), Spec, default);
        var id = c.Record.Id;
        _world.Clock.Advance(TimeSpan.FromHours(1));
        await _world.Complaints.InvestigateAsync(id, "sup-1", "organising", Sup, default);
        await _world.Complaints.DetermineCauseAsync(id, "dispatch planned without travel time", "dispatch team", null, Sup, default);
        await _world.Complaints.PlanAsync(id, "add travel time to dispatch; call customer before each visit", "ts-1", CareWorld.T0.AddDays(3), null, Sup, default);
        await _world.Complaints.StartWorkAsync(id, null, Spec, default);
        await _world.Complaints.UpdateProgressAsync(id, ContactChannel.Email, "Dispatch rules changed today.", Spec, default);
        await _world.Complaints.CompleteMeasuresAsync(id, null, Spec, default);
        await _world.Complaints.RecordRevisitAsync(id, 2, "still late last week", Spec, default);
        Assert.Equal(ComplaintState.Reopened, (await _world.Complaints.GetAsync(id, default)).State);
        await _world.Complaints.PlanAsync(id, "fixed time slots for this customer", "ts-1", CareWorld.T0.AddDays(10), "customer not satisfied", Sup, default);
        await _world.Complaints.StartWorkAsync(id, null, Spec, default);
        await _world.Complaints.CompleteMeasuresAsync(id, null, Spec, default);
        await _world.Complaints.RecordRevisitAsync(id, 5, "on time now", Spec, default);
        var closeWithoutLessons = await Assert.ThrowsAsync<ComplaintTransitionRefusedException>(() => _world.Complaints.CloseAsync(id, null, Sup, default));
        Assert.Equal(ComplaintState.Satisfied, closeWithoutLessons.State);
        await _world.Complaints.RecordLessonsAsync(id, "travel time ignored by dispatch", "dispatch adds travel time; slot confirmation call", Sup, default);
        _world.Clock.Advance(TimeSpan.FromHours(1));
        await _world.Complaints.CloseAsync(id, "customer satisfied", Sup, default);

        var stored = (await _world.Complaints.GetAsync(id, default)).Record;
        Assert.Equal(ComplaintState.Closed, stored.State);
        Assert.Equal(CareWorld.T0.AddHours(2), stored.ClosedAt);
        Assert.Equal(("CP-7", "WO-9", "We apologise for the delays."), (stored.ChargerId, stored.WorkOrderId, stored.Apology));
        Assert.Equal([1, 2], stored.Plans.Select(p => p.Number));
        Assert.Equal((2, "fixed time slots for this customer"), (stored.PlanNumber, stored.PlanMeasures));
        Assert.Equal([2, 5], stored.Revisits.Select(r => r.Score));
        var progress = Assert.Single(stored.ProgressUpdates);
        Assert.Equal((ContactChannel.Email, "Dispatch rules changed today.", "spec-1"), (progress.Channel, progress.Message, progress.By));
        Assert.Equal(("travel time ignored by dispatch", "dispatch adds travel time; slot confirmation call"), (stored.LessonsSummary, stored.LessonsImprovement));

        ComplaintTrigger?[] expected =
        [
            null, ComplaintTrigger.Investigate, ComplaintTrigger.DetermineCause, ComplaintTrigger.Plan, ComplaintTrigger.StartWork, ComplaintTrigger.UpdateProgress,
            ComplaintTrigger.CompleteMeasures, ComplaintTrigger.RecordRevisit, ComplaintTrigger.Plan, ComplaintTrigger.StartWork, ComplaintTrigger.CompleteMeasures,
            ComplaintTrigger.RecordRevisit, ComplaintTrigger.RecordLessons, ComplaintTrigger.Close,
        ];
        Assert.Equal(expected, stored.Transitions.Select(t => t.Trigger));
        Assert.Equal(ComplaintState.Reopened, stored.Transitions[7].ToState);
        Assert.Equal(("sup-1", Roles.Supervisor, "customer satisfied"), (stored.Transitions[^1].ActorId, stored.Transitions[^1].ActorRole, stored.Transitions[^1].Reason));

        // One audit entry per change, naming the complaint.
        var audits = (await _world.AuditAsync()).Where(e => e.EntityType == "complaint").ToList();
        Assert.Equal(expected.Length, audits.Count);
        Assert.All(audits, e => Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), e.EntityId));
        Assert.Equal("complaint.record-revisit", audits[7].Action);
        Assert.Contains("AwaitingRevisit -> Reopened", audits[7].Detail, StringComparison.Ordinal);

        // The revisit score is the complaint's survey: one, holding the latest revisit.
        var survey = Assert.Single(await _world.Surveys.QueryAsync(new SurveyFilter(SurveySubject.Complaint), q => q.ToListAsync(), default));
        Assert.Equal((5, "on time now", SurveySource.Revisit), (survey.Score, survey.Comment, survey.Source));
        var second = await Assert.ThrowsAsync<CareConflictException>(() => _world.Surveys.CreateAsync(SurveySubject.Complaint, survey.SubjectId, 3, null, Spec, default));
        Assert.Contains("already has its survey", second.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Complaint_without_apology_is_refused()
    {
        var refused = await Assert.ThrowsAsync<CareValidationException>(() =>
            _world.Complaints.CreateAsync(new NewComplaint(ContactChannel.Phone, "CUST-1", "rude engineer", null, null, " "), Spec, default));
        Assert.Equal("apology", refused.Field);
        await using var db = _world.Db.Create();
        Assert.Equal(0, await db.Complaints.CountAsync());
    }

    [Fact]
    public async Task Two_requests_moving_the_same_complaint_at_once_do_not_both_win()
    {
        var c = await _world.Complaints.CreateAsync(new NewComplaint(ContactChannel.Online, "CUST-1", "no reply", null, null, "Sorry."), Spec, default);
        var results = await Task.WhenAll(
            Capture(() => _world.Complaints.InvestigateAsync(c.Record.Id, null, null, Sup, default)),
            Capture(() => _world.Complaints.InvestigateAsync(c.Record.Id, null, null, Sup, default)));
        // Either one wins and the other is refused (409: conflict or not allowed in Investigating), or they ran one after the other.
        Assert.Contains(results, r => r is null);
        Assert.All(results, r => Assert.True(r is null or CareConflictException or ComplaintTransitionRefusedException, r?.ToString()));
        var stored = (await _world.Complaints.GetAsync(c.Record.Id, default)).Record;
        Assert.Equal(2, stored.Transitions.Count);
    }

    [Fact]
    public async Task Work_order_survey_is_taken_once_of_a_closed_work_order()
    {
        var t = CareWorld.T0;
        _world.Facts.WorkOrders.Add(new("WO-1", "repair", "CP-1", "EVB-22", "North", "eng-1", t, t, t.AddHours(2), t.AddHours(3), false, true, true));
        _world.Facts.WorkOrders.Add(new("WO-2", "repair", "CP-1", "EVB-22", "North", "eng-1", t, t, null, null, false, null, null));

        var survey = await _world.Surveys.CreateAsync(SurveySubject.WorkOrder, "WO-1", 4, "quick and tidy", Spec, default);
        Assert.Equal(("North", "eng-1", "EVB-22", SurveySource.Survey), (survey.Team, survey.EngineerId, survey.ChargerModel, survey.Source));

        var second = await Assert.ThrowsAsync<CareConflictException>(() => _world.Surveys.CreateAsync(SurveySubject.WorkOrder, "WO-1", 2, null, Spec, default));
        Assert.Contains("already has its survey", second.Message, StringComparison.Ordinal);
        var open = await Assert.ThrowsAsync<CareConflictException>(() => _world.Surveys.CreateAsync(SurveySubject.WorkOrder, "WO-2", 5, null, Spec, default));
        Assert.Contains("not closed", open.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<CareNotFoundException>(() => _world.Surveys.CreateAsync(SurveySubject.WorkOrder, "WO-404", 5, null, Spec, default));
        var score = await Assert.ThrowsAsync<CareValidationException>(() => _world.Surveys.CreateAsync(SurveySubject.WorkOrder, "WO-1", 6, null, Spec, default));
        Assert.Equal("score", score.Field);

        var stored = Assert.Single(await _world.Surveys.QueryAsync(new SurveyFilter(SubjectId: "WO-1"), q => q.ToListAsync(), default));
        Assert.Equal(4, stored.Score);
        Assert.Single(await _world.AuditAsync(), e => e.Action == "survey.create");
    }

    [Fact]
    public async Task The_database_refuses_a_second_survey_of_a_subject_even_past_the_service()
    {
        await using var db = _world.Db.Create();
        db.Surveys.Add(new SurveyRecord { Subject = SurveySubject.WorkOrder, SubjectId = "WO-1", Score = 3, RecordedBy = "x", At = CareWorld.T0 });
        await db.SaveChangesAsync();
        await using var db2 = _world.Db.Create();
        db2.Surveys.Add(new SurveyRecord { Subject = SurveySubject.WorkOrder, SubjectId = "WO-1", Score = 4, RecordedBy = "y", At = CareWorld.T0 });
        await Assert.ThrowsAsync<DbUpdateException>(() => db2.SaveChangesAsync());
    }

    private static async Task<Exception?> Capture(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}

public sealed class SqliteCarePersistenceTests() : CarePersistenceTests(DomainDbProvider.Sqlite);

public sealed class PostgresCarePersistenceTests() : CarePersistenceTests(DomainDbProvider.Postgres);
