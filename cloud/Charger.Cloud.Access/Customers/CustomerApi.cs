using System.Globalization;
using Charger.Cloud.AfterSales;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Charger.Cloud.Access;

/// <summary>The customers' endpoints (part of <see cref="AccessApi.MapAccess"/>).</summary>
public static class CustomerApi
{
    /// <summary>Roles that create and edit customers.</summary>
    public static readonly string[] EditRoles = [Roles.ServiceSpecialist, Roles.Supervisor];

    /// <summary>Roles that read customers' contact data in clear (the <see cref="Policies.PersonalData"/> policy).</summary>
    public static readonly string[] PersonalDataRoles = [Roles.Supervisor, Roles.ServiceSpecialist];

    internal static void MapCustomers(this IEndpointRouteBuilder endpoints)
    {
        var customers = endpoints.MapGroup("/api/v1/customers").WithTags("Customers");
        customers.MapGet("/", ListAsync).RequireAuthorization(Policies.AnyStaff)
            .WithSummary("Customers (contact data masked)")
            .WithDescription($"Ordered by id. Filters: tier (Standard, Priority, Strategic); after (the next of the previous page); limit 1..{AccessApi.MaxLimit} (default {AccessApi.DefaultLimit}).");
        customers.MapGet("/{id}", GetAsync).RequireAuthorization(Policies.AnyStaff)
            .WithSummary("One customer")
            .WithDescription("Contact person, phone, e-mail and address in clear for supervisor and service-specialist (every such read is audited as customer.read-personal-data), masked for the other roles (138****5678, z***@example.com).");
        customers.MapPost("/", CreateAsync).RequireAuthorization(p => p.RequireRole(EditRoles))
            .WithSummary("Create a customer")
            .WithDescription("{id?, name, tier, contactPerson?, phone?, email?, address?, notes?}; contact data is encrypted at rest (AES-256-GCM). Notes must not hold personal data.");
        customers.MapPut("/{id}", UpdateAsync).RequireAuthorization(p => p.RequireRole(EditRoles))
            .WithSummary("Replace a customer's record").WithDescription("{name, tier, contactPerson?, phone?, email?, address?, notes?}: absent contact fields are cleared.");
        customers.MapPut("/{id}/chargers/{chargerId}", AssignAsync).RequireAuthorization(p => p.RequireRole(EditRoles))
            .WithSummary("Assign a charger to the customer").WithDescription("A charger has one owner: 409 when another customer owns it.");
        customers.MapDelete("/{id}/chargers/{chargerId}", UnassignAsync).RequireAuthorization(p => p.RequireRole(EditRoles))
            .WithSummary("Unassign a charger from the customer");
    }

    internal static async Task<Results<Ok<CustomerPageDto>, ValidationProblem>> ListAsync(string? tier, string? after, string? limit, CustomerStore store, CancellationToken ct)
    {
        CustomerTier? parsedTier = null;
        if (tier is not null)
        {
            if (!TryTier(tier, out var t))
            {
                return AccessApi.Invalid("tier", "must be Standard, Priority or Strategic");
            }

            parsedTier = t;
        }

        var n = AccessApi.DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out n) || n < 1 || n > AccessApi.MaxLimit))
        {
            return AccessApi.Invalid("limit", $"must be an integer from 1 to {AccessApi.MaxLimit}");
        }

        var items = await store.ListAsync(parsedTier, after, n, ct);
        return TypedResults.Ok(new CustomerPageDto(items.Select(ToDto).ToList(), items.Count == n ? items[^1].CustomerId : null));
    }

    internal static async Task<Results<Ok<CustomerDto>, ProblemHttpResult>> GetAsync(
        string id, HttpContext context, CustomerStore store, IAuthorizationService authorization, CancellationToken ct)
    {
        var clear = (await authorization.AuthorizeAsync(context.User, Policies.PersonalData)).Succeeded;
        var customer = await store.GetAsync(Actor.FromPrincipal(context.User)!, id, clear, ct);
        return customer is null ? NotFound(id) : TypedResults.Ok(ToDto(customer));
    }

    internal static async Task<Results<Created<CustomerDto>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CustomerRequest? body, HttpContext context, CustomerStore store, CancellationToken ct)
    {
        if (body?.Id is { } id && !CustomerStore.IsValidId(id))
        {
            return AccessApi.Invalid("id", "must be 1-64 of A-Z, a-z, 0-9, '.', '_', '-'");
        }

        if (Validate(body, out var tier) is { } invalid)
        {
            return invalid;
        }

        try
        {
            var customer = await store.CreateAsync(Actor.FromPrincipal(context.User)!, body!.Id, body.Name!.Trim(), tier, Contact(body), Blank(body.Notes), ct);
            return TypedResults.Created($"/api/v1/customers/{customer.CustomerId}", ToDto(customer));
        }
        catch (AccessConflictException ex)
        {
            return AccessApi.Problem(ex);
        }
    }

    internal static async Task<Results<Ok<CustomerDto>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, CustomerRequest? body, HttpContext context, CustomerStore store, CancellationToken ct)
    {
        if (body?.Id is { } bodyId && bodyId != id)
        {
            return AccessApi.Invalid("id", "must be absent or the id of the path");
        }

        if (Validate(body, out var tier) is { } invalid)
        {
            return invalid;
        }

        try
        {
            return TypedResults.Ok(ToDto(await store.UpdateAsync(Actor.FromPrincipal(context.User)!, id, body!.Name!.Trim(), tier, Contact(body), Blank(body.Notes), ct)));
        }
        catch (AccessConflictException ex)
        {
            return AccessApi.Problem(ex);
        }
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> AssignAsync(
        string id, string chargerId, HttpContext context, CustomerStore store, CancellationToken ct)
    {
        if (!CustomerStore.IsValidId(chargerId))
        {
            return AccessApi.Invalid("chargerId", "must be a charger id: 1-64 of A-Z, a-z, 0-9, '.', '_', '-'");
        }

        try
        {
            await store.AssignChargerAsync(Actor.FromPrincipal(context.User)!, id, chargerId, ct);
            return TypedResults.NoContent();
        }
        catch (AccessConflictException ex)
        {
            return AccessApi.Problem(ex);
        }
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> UnassignAsync(
        string id, string chargerId, HttpContext context, CustomerStore store, CancellationToken ct)
    {
        try
        {
            await store.UnassignChargerAsync(Actor.FromPrincipal(context.User)!, id, chargerId, ct);
            return TypedResults.NoContent();
        }
        catch (AccessConflictException ex)
        {
            return AccessApi.Problem(ex);
        }
    }

    private static ValidationProblem? Validate(CustomerRequest? body, out CustomerTier tier)
    {
        tier = CustomerTier.Standard;
        if (body?.Name is not { } name || string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            return AccessApi.Invalid("name", "is required, 1-200 characters");
        }

        if (body.Tier is null || !TryTier(body.Tier, out tier))
        {
            return AccessApi.Invalid("tier", "is required: Standard, Priority or Strategic");
        }

        if (body.ContactPerson is { Length: > 200 })
        {
            return AccessApi.Invalid("contactPerson", "must be at most 200 characters");
        }

        if (body.Phone is { } phone && (phone.Length > 40 || !phone.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')')))
        {
            return AccessApi.Invalid("phone", "must be at most 40 characters of digits, '+', ' ', '-', '(' and ')'");
        }

        if (body.Email is { } email && (email.Length > 254 || email.IndexOf('@', StringComparison.Ordinal) is <= 0 || email.EndsWith('@')))
        {
            return AccessApi.Invalid("email", "must be an e-mail address such as name@example.com");
        }

        if (body.Address is { Length: > 500 })
        {
            return AccessApi.Invalid("address", "must be at most 500 characters");
        }

        if (body.Notes is { Length: > 4000 })
        {
            return AccessApi.Invalid("notes", "must be at most 4000 characters");
        }

        return null;
    }

    private static bool TryTier(string text, out CustomerTier tier) =>
        Enum.TryParse(text, ignoreCase: true, out tier) && Enum.IsDefined(tier) && !int.TryParse(text, CultureInfo.InvariantCulture, out _);

    private static ContactData Contact(CustomerRequest body) => new(Blank(body.ContactPerson), Blank(body.Phone), Blank(body.Email), Blank(body.Address));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static CustomerDto ToDto(Customer c) => new(
        c.CustomerId, c.Name, c.Tier.ToString(), c.Contact.ContactPerson, c.Contact.Phone, c.Contact.Email, c.Contact.Address, c.Notes,
        c.Chargers, c.Masked ? "masked" : "clear", c.CreatedAt, c.UpdatedAt);

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(title: "Unknown customer", detail: $"No customer '{AuditLog.Clip(id, 80)}'.", statusCode: StatusCodes.Status404NotFound);
}
