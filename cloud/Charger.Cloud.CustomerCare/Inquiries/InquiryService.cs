using Charger.Cloud.AfterSales;
using Charger.Cloud.CustomerCare.Data;
using Charger.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Charger.Cloud.CustomerCare.Inquiries;

/// <summary>A new inquiry: answered on the spot (<see cref="Answer"/>) or routed (<see cref="RoutedToUser"/> or <see cref="RoutedToRole"/> and <see cref="PromisedReplyBy"/>).</summary>
public sealed record NewInquiry(
    ContactChannel Channel, string CustomerId, string Content, string? Answer, string? RoutedToUser, string? RoutedToRole, DateTimeOffset? PromisedReplyBy);

/// <summary>Filters of the inquiry list; null means any.</summary>
public sealed record InquiryFilter(InquiryStatus? Status = null, bool? Overdue = null, string? CustomerId = null, ContactChannel? Channel = null);

/// <summary>Inquiries (policy 三(一)): recorded with channel, customer and content; answered on the spot, or routed to a person or role with a promised reply time and answered later.</summary>
public sealed class InquiryService(IDomainDbFactory<CareDb> db, IAuditLog auditLog, ICustomerDirectory customers, IStaffDirectory staff, TimeProvider clock, ILogger<InquiryService> logger)
{
    /// <summary>Records an inquiry; the customer must be known to the customer directory.</summary>
    public async Task<InquiryRecord> CreateAsync(NewInquiry request, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        var audit = auditLog;
        var now = clock.GetUtcNow();
        Text.Required("customerId", request.CustomerId, 64);
        Text.Required("content", request.Content, 4000);
        var answer = Text.Optional("answer", request.Answer, 4000);
        var routed = request.RoutedToUser is not null || request.RoutedToRole is not null || request.PromisedReplyBy is not null;
        if (answer is not null && routed)
        {
            throw new CareValidationException("answer", "Give either an answer (answered on the spot) or a routing (routedToUser/routedToRole and promisedReplyBy), not both.");
        }

        if (answer is null && !routed)
        {
            throw new CareValidationException("answer", "An inquiry is answered on the spot (answer) or routed (routedToUser or routedToRole, and promisedReplyBy).");
        }

        if (await customers.FindAsync(request.CustomerId, cancellationToken) is null)
        {
            throw new CareValidationException("customerId", $"No customer '{request.CustomerId}' is on record.");
        }

        var record = new InquiryRecord
        {
            Channel = request.Channel, CustomerId = request.CustomerId, Content = request.Content, ReceivedAt = now, RecordedBy = actor.UserId, Version = 1,
        };
        if (answer is not null)
        {
            record.Status = InquiryStatus.Answered;
            record.Answer = answer;
            record.AnsweredAt = now;
            record.AnsweredBy = actor.UserId;
            record.AnsweredOnTheSpot = true;
        }
        else
        {
            await ApplyRoutingAsync(record, request.RoutedToUser, request.RoutedToRole, request.PromisedReplyBy, now, cancellationToken);
        }

        await using (var context = db.Create())
        {
            context.Inquiries.Add(record);
            await context.SaveChangesAsync(cancellationToken);
        }

        var outcome = answer is not null ? "answered on the spot" : $"routed to {Target(record)}, reply promised by {record.PromisedReplyBy:o}";
        await audit.RecordAsync(new AuditEntry(now, actor, "inquiry.create", "inquiry", Id(record), $"{record.Channel}, customer {record.CustomerId}: {outcome}"), cancellationToken);
        CareLog.InquiryRecorded(logger, record.Id, record.CustomerId, record.Channel, outcome, actor.UserId);
        return record;
    }

    /// <summary>Routes an open inquiry (again) to a person or role with a promised reply time.</summary>
    public async Task<InquiryRecord> RouteAsync(long id, string? toUser, string? toRole, DateTimeOffset? promisedReplyBy, string? reason, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var audit = auditLog;
        var now = clock.GetUtcNow();
        reason = Text.Optional("reason", reason, 2000);
        await using var context = db.Create();
        var record = await FindAsync(context, id, cancellationToken);
        if (record.Status == InquiryStatus.Answered)
        {
            throw new CareConflictException($"Inquiry {id} is Answered: only a Routed inquiry can be routed.");
        }

        await ApplyRoutingAsync(record, toUser, toRole, promisedReplyBy, now, cancellationToken);
        await SaveAsync(context, record, cancellationToken);
        var target = Target(record);
        await audit.RecordAsync(new AuditEntry(now, actor, "inquiry.route", "inquiry", Id(record), $"to {target}, reply promised by {record.PromisedReplyBy:o}{(reason is null ? string.Empty : "; " + reason)}"), cancellationToken);
        CareLog.InquiryRouted(logger, record.Id, target, record.PromisedReplyBy!.Value, actor.UserId);
        return record;
    }

    /// <summary>Answers a routed inquiry, which closes it.</summary>
    public async Task<InquiryRecord> AnswerAsync(long id, string answer, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var audit = auditLog;
        var now = clock.GetUtcNow();
        Text.Required("answer", answer, 4000);
        await using var context = db.Create();
        var record = await FindAsync(context, id, cancellationToken);
        if (record.Status == InquiryStatus.Answered)
        {
            throw new CareConflictException($"Inquiry {id} is already Answered (at {record.AnsweredAt:o} by {record.AnsweredBy}).");
        }

        // Service specialists (who own the customer's contact) and supervisors answer any inquiry; technical support only
        // those routed to them or to their role.
        if (actor.Role == Roles.TechnicalSupport
            && !(record.RoutedToUser == actor.UserId || (record.RoutedToUser is null && record.RoutedToRole == Roles.TechnicalSupport)))
        {
            throw new CareForbiddenException($"Inquiry {id} is routed to {Target(record)}; technical support answers only inquiries routed to them or to their role.");
        }

        var late = record.PromisedReplyBy is { } promised && now > promised;
        record.Status = InquiryStatus.Answered;
        record.Answer = answer;
        record.AnsweredAt = now;
        record.AnsweredBy = actor.UserId;
        await SaveAsync(context, record, cancellationToken);
        await audit.RecordAsync(new AuditEntry(now, actor, "inquiry.answer", "inquiry", Id(record), late ? $"answered after the promised {record.PromisedReplyBy:o}" : "answered"), cancellationToken);
        CareLog.InquiryAnswered(logger, record.Id, actor.UserId);
        return record;
    }

    /// <summary>One inquiry.</summary>
    public async Task<InquiryRecord> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var context = db.Create();
        return await FindAsync(context, id, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="read"/> on the inquiries <paramref name="filter"/> selects (unsorted: the list endpoint sorts
    /// and pages them), on a context of its own that ends when it returns.
    /// </summary>
    public async Task<T> QueryAsync<T>(InquiryFilter filter, Func<IQueryable<InquiryRecord>, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(read);
        var now = clock.GetUtcNow();
        await using var context = db.Create();
        var query = context.Inquiries.AsNoTracking();
        if (filter.Status is { } status)
        {
            query = query.Where(i => i.Status == status);
        }

        if (filter.Overdue == true)
        {
            query = query.Where(i => i.Status == InquiryStatus.Routed && i.PromisedReplyBy < now);
        }
        else if (filter.Overdue == false)
        {
            query = query.Where(i => !(i.Status == InquiryStatus.Routed && i.PromisedReplyBy < now));
        }

        if (filter.CustomerId is { } customer)
        {
            query = query.Where(i => i.CustomerId == customer);
        }

        if (filter.Channel is { } channel)
        {
            query = query.Where(i => i.Channel == channel);
        }

        return await read(query);
    }

    /// <summary>True when the inquiry is routed and its promised reply time has passed.</summary>
    public bool IsOverdue(InquiryRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Status == InquiryStatus.Routed && record.PromisedReplyBy is { } promised && promised < clock.GetUtcNow();
    }

    private async Task ApplyRoutingAsync(InquiryRecord record, string? toUser, string? toRole, DateTimeOffset? promisedReplyBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        toUser = Text.Optional("routedToUser", toUser, 64);
        toRole = Text.Optional("routedToRole", toRole, 64);
        if ((toUser is null) == (toRole is null))
        {
            throw new CareValidationException("routedToUser", "Route to exactly one of a person (routedToUser) or a role (routedToRole).");
        }

        if (toRole is not null && !Roles.IsKnown(toRole))
        {
            throw new CareValidationException("routedToRole", $"'{toRole}' is not a role; expected one of {string.Join(", ", Roles.All)}.");
        }

        if (toUser is not null && await staff.FindAsync(toUser, cancellationToken) is not { Active: true })
        {
            throw new CareValidationException("routedToUser", $"No active member of staff '{toUser}'.");
        }

        if (promisedReplyBy is not { } promised)
        {
            throw new CareValidationException("promisedReplyBy", "A routed inquiry needs the reply time promised to the customer.");
        }

        if (promised <= now)
        {
            throw new CareValidationException("promisedReplyBy", $"The promised reply time must be in the future (now {now:o}).");
        }

        record.Status = InquiryStatus.Routed;
        record.RoutedToUser = toUser;
        record.RoutedToRole = toRole;
        record.RoutedAt = now;
        record.PromisedReplyBy = promised.ToUniversalTime();
    }

    private static async Task<InquiryRecord> FindAsync(CareDb context, long id, CancellationToken cancellationToken) =>
        await context.Inquiries.FirstOrDefaultAsync(i => i.Id == id, cancellationToken)
        ?? throw new CareNotFoundException($"No inquiry {id}.");

    private static async Task SaveAsync(CareDb context, InquiryRecord record, CancellationToken cancellationToken)
    {
        record.Version++;
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new CareConflictException($"Inquiry {record.Id} was changed by someone else meanwhile; read it again.");
        }
    }

    private static string Target(InquiryRecord r) => r.RoutedToUser is not null ? $"user {r.RoutedToUser}" : $"role {r.RoutedToRole}";

    private static string Id(InquiryRecord r) => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
