using Charger.Cloud.Http;
using System.Globalization;
using Charger.Cloud.Access.Data;
using Charger.Cloud.AfterSales;
using Charger.Cloud.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.OpenApi;

namespace Charger.Cloud.Access;

/// <summary>The access area's endpoints under <c>/api/v1</c>: sign-in, tokens, users, the audit log, customers.</summary>
public static partial class AccessApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Maps every endpoint of the area.</summary>
    public static IEndpointRouteBuilder MapAccess(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var auth = endpoints.MapGroup("/api/v1/auth").WithTags("Access");
        auth.MapPost("/login", SignInAsync).AllowAnonymous()
            .WithSummary("Sign in (UI)")
            .WithDescription("Checks {userId, password} and sets the HttpOnly, SameSite=Strict sign-in cookie. Wrong credentials: 401; a locked account: 429 with Retry-After. " +
                $"{UserStoreDefaults} Every attempt is audited.");
        auth.MapPost("/logout", (Delegate)SignOutAsync).AllowAnonymous()
            .WithSummary("Sign out (UI)").WithDescription("Clears the sign-in cookie. Always 204.");
        auth.MapGet("/me", Me).RequireAuthorization(Policies.AnyStaff)
            .WithSummary("The signed-in user").WithDescription("User id, display name, role, team, and how the request was authenticated (cookie or token:{id}).");
        auth.MapPost("/password", ChangePasswordAsync).RequireAuthorization(Policies.AnyStaff)
            .WithSummary("Change your own password").WithDescription($"{{currentPassword, newPassword}}; the new one needs {UserStore.MinPasswordLength}-{UserStore.MaxPasswordLength} characters.");
        auth.MapGet("/tokens", ListTokensAsync).RequireAuthorization(Policies.AnyStaff)
            .WithSummary("API tokens").WithDescription("Your own tokens (never the tokens themselves). An admin may pass ?userId= for another user's, or ?all=true.");
        auth.MapPost("/tokens", CreateTokenAsync).RequireAuthorization(Policies.AnyStaff)
            .WithSummary("Create an API token")
            .WithDescription("{name, expiresInDays?, userId?}: a token acting as its owner, answered once (send it as 'Authorization: Bearer <token>'); only its SHA-256 is kept. " +
                "Only an admin may name another user.");
        auth.MapDelete("/tokens/{id}", RevokeTokenAsync).RequireAuthorization(Policies.AnyStaff)
            .WithSummary("Revoke an API token").WithDescription("Your own, or (admin) anyone's. A revoked token is refused from the next request on.");

        var users = endpoints.MapGroup("/api/v1/users").WithTags("Access");
        users.MapGet("/", ListUsersAsync).RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Supervisor, Roles.TechnicalSupport, Roles.Auditor))
            .WithSummary("Users").WithDescription("A page of users (id, name, role, team, active), by id unless sorted otherwise.")
            .Produces<Page<UserDto>>().ProducesValidationProblem()
            .WithQueryParameters(
                ("role", JsonSchemaType.String, null, "Only this role's."),
                ("team", JsonSchemaType.String, null, "Only this team's."),
                ("active", JsonSchemaType.Boolean, null, "true: enabled users; false: disabled ones."))
            .WithListParameters(UserSort);
        users.MapGet("/{id}", GetUserAsync).RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Supervisor, Roles.TechnicalSupport, Roles.Auditor))
            .WithSummary("One user");
        users.MapPost("/", CreateUserAsync).RequireAuthorization(Policies.ManageUsers)
            .WithSummary("Create a user (admin)")
            .WithDescription("{userId, displayName, role, team?, password?}: without a password one is generated and answered once.");
        users.MapPatch("/{id}", UpdateUserAsync).RequireAuthorization(Policies.ManageUsers)
            .WithSummary("Change a user (admin)").WithDescription("{displayName?, role?, team?, active?}: change role or team, disable (active=false) or enable. The last active admin cannot be disabled or demoted.");
        users.MapPost("/{id}/password", ResetPasswordAsync).RequireAuthorization(Policies.ManageUsers)
            .WithSummary("Reset a user's password (admin)").WithDescription("{password?}: without one a password is generated and answered once; lifts a lockout.");

        endpoints.MapGet("/api/v1/audit", ListAuditAsync).RequireAuthorization(Policies.ReadAudit).WithTags("Access")
            .WithSummary("The audit log")
            .WithDescription("Newest first. Filters: actor, entityType, entityId, action, from (inclusive), to (exclusive), cursor (the nextCursor of the previous page), " +
                $"limit 1..{MaxLimit} (default {DefaultLimit}).");
        endpoints.MapCustomers();
        return endpoints;
    }

    private const string UserStoreDefaults = "By default 5 failures in a row lock the account for 15 minutes (Access:MaxFailedSignIns, Access:LockoutMinutes).";

    internal static async Task<Results<Ok<MeDto>, ValidationProblem, ProblemHttpResult>> SignInAsync(
        SignInRequest? body, HttpContext context, UserStore users, TimeProvider time, ILogger<UserStore> logger, CancellationToken ct)
    {
        if (body?.UserId is not { Length: > 0 } userId)
        {
            return Invalid("userId", "is required");
        }

        if (body.Password is not { Length: > 0 } password)
        {
            return Invalid("password", "is required");
        }

        var result = await users.SignInAsync(userId, password, ct);
        switch (result.Outcome)
        {
            case SignInOutcome.Succeeded:
                var user = result.User!;
                await context.SignInAsync(AccessSchemes.Cookie, AccessSchemes.Principal(user, AccessSchemes.Cookie, "cookie"));
                AccessLog.SignedIn(logger, user.UserId);
                return TypedResults.Ok(new MeDto(user.UserId, user.DisplayName, user.Role, user.Team, "cookie"));
            case SignInOutcome.LockedOut:
                AccessLog.SignInRefused(logger, AuditLog.Clip(userId, 64), "locked out");
                var retry = Math.Max(1, (int)Math.Ceiling((result.LockedUntil!.Value - time.GetUtcNow()).TotalSeconds));
                context.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
                return TypedResults.Problem(title: "Account locked",
                    detail: $"Too many failed sign-ins: try again after {result.LockedUntil.Value.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}, or ask an administrator to reset the password.",
                    statusCode: StatusCodes.Status429TooManyRequests);
            default:
                AccessLog.SignInRefused(logger, AuditLog.Clip(userId, 64), result.Outcome.ToString());
                return TypedResults.Problem(title: "Sign-in refused", detail: "Wrong user id or password, or the user is disabled.", statusCode: StatusCodes.Status401Unauthorized);
        }
    }

    internal static async Task<NoContent> SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(AccessSchemes.Cookie);
        return TypedResults.NoContent();
    }

    internal static Ok<MeDto> Me(HttpContext context)
    {
        var actor = Actor.FromPrincipal(context.User)!;
        return TypedResults.Ok(new MeDto(actor.UserId, actor.DisplayName, actor.Role, context.User.FindFirst("charger:team")?.Value,
            context.User.FindFirst(AccessSchemes.MethodClaim)?.Value ?? "unknown"));
    }

    internal static async Task<Results<NoContent, ValidationProblem>> ChangePasswordAsync(
        ChangePasswordRequest? body, HttpContext context, UserStore users, CancellationToken ct)
    {
        var actor = Actor.FromPrincipal(context.User)!;
        if (body?.CurrentPassword is not { Length: > 0 } current || !await users.CheckCurrentPasswordAsync(actor.UserId, current, ct))
        {
            return Invalid("currentPassword", "is not your current password");
        }

        if (body.NewPassword is not { } next)
        {
            return Invalid("newPassword", "is required");
        }

        if (UserStore.CheckPassword(next) is { } why)
        {
            return Invalid("newPassword", why);
        }

        await users.ResetPasswordAsync(actor, actor.UserId, next, ct);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<List<TokenInfo>>, ProblemHttpResult>> ListTokensAsync(
        string? userId, bool? all, HttpContext context, TokenStore tokens, CancellationToken ct)
    {
        var actor = Actor.FromPrincipal(context.User)!;
        var isAdmin = actor.Role == Roles.Admin;
        if ((userId is not null && userId != actor.UserId || all == true) && !isAdmin)
        {
            return TypedResults.Problem(title: "Forbidden", detail: "Only an admin may list other users' tokens.", statusCode: StatusCodes.Status403Forbidden);
        }

        var owner = all == true ? null : userId ?? actor.UserId;
        return TypedResults.Ok((await tokens.ListAsync(owner, ct)).ToList());
    }

    internal static async Task<Results<Created<CreatedTokenDto>, ValidationProblem, ProblemHttpResult>> CreateTokenAsync(
        CreateTokenRequest? body, HttpContext context, TokenStore tokens, IOptions<AccessOptions> options, CancellationToken ct)
    {
        var actor = Actor.FromPrincipal(context.User)!;
        if (body?.Name is not { } name || string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            return Invalid("name", "is required, 1-100 characters");
        }

        var max = options.Value.TokenMaxDays;
        var days = body.ExpiresInDays ?? options.Value.TokenDefaultDays;
        if (days < 1 || days > max)
        {
            return Invalid("expiresInDays", $"must be from 1 to {max}");
        }

        var owner = body.UserId ?? actor.UserId;
        if (owner != actor.UserId && actor.Role != Roles.Admin)
        {
            return TypedResults.Problem(title: "Forbidden", detail: "Only an admin may create tokens for other users.", statusCode: StatusCodes.Status403Forbidden);
        }

        try
        {
            var (info, token) = await tokens.CreateAsync(actor, owner, name.Trim(), TimeSpan.FromDays(days), ct);
            return TypedResults.Created($"/api/v1/auth/tokens/{info.Id}", new CreatedTokenDto(info, token));
        }
        catch (AccessConflictException ex) when (ex.NotFound)
        {
            return Invalid("userId", ex.Message);
        }
    }

    internal static async Task<Results<Ok<TokenInfo>, ProblemHttpResult>> RevokeTokenAsync(string id, HttpContext context, TokenStore tokens, CancellationToken ct)
    {
        var actor = Actor.FromPrincipal(context.User)!;
        try
        {
            return TypedResults.Ok(await tokens.RevokeAsync(actor, id, actor.Role == Roles.Admin ? null : actor.UserId, ct));
        }
        catch (AccessConflictException ex)
        {
            return Problem(ex);
        }
    }

    private static readonly SortKeys<UserRow> UserSort = new SortKeys<UserRow>("userId", u => u.UserId)
        .Add("userId", u => u.UserId).Add("displayName", u => u.DisplayName).Add("role", u => u.Role).Add("team", u => u.Team).Add("active", u => u.Active);

    private static readonly CsvColumn<UserDto>[] UserColumns =
    [
        new("userId", u => u.UserId), new("displayName", u => u.DisplayName), new("role", u => u.Role), new("team", u => u.Team), new("active", u => u.Active ? "true" : "false"),
    ];

    /// <summary>The users list's filters (query parameters).</summary>
    internal sealed record UserQuery(string? Role = null, string? Team = null, string? Active = null);

    internal static async Task<IResult> ListUsersAsync([AsParameters] UserQuery query, [AsParameters] ListQuery listQuery, UserStore users, CancellationToken ct)
    {
        if (query.Role is not null && !Roles.IsKnown(query.Role))
        {
            return Invalid("role", $"must be one of {string.Join(", ", Roles.All)}");
        }

        bool? active = null;
        if (query.Active is not null)
        {
            if (!bool.TryParse(query.Active, out var parsed))
            {
                return Invalid("active", "is true or false");
            }

            active = parsed;
        }

        if (!ListRequest.TryRead(listQuery, UserSort, out var list, out var problem))
        {
            return problem!;
        }

        return await users.QueryAsync(query.Role, query.Team, active, q => ListResponse.PageAsync(q, UserSort, list, u => UserDto.From(UserStore.ToMember(u)), UserColumns, "users.csv", ct), ct);
    }

    internal static async Task<Results<Ok<UserDto>, ProblemHttpResult>> GetUserAsync(string id, UserStore users, CancellationToken ct) =>
        await users.FindAsync(id, ct) is { } user
            ? TypedResults.Ok(UserDto.From(user))
            : TypedResults.Problem(title: "Unknown user", detail: $"No user '{AuditLog.Clip(id, 80)}'.", statusCode: StatusCodes.Status404NotFound);

    internal static async Task<Results<Created<CreatedUserDto>, ValidationProblem, ProblemHttpResult>> CreateUserAsync(
        CreateUserRequest? body, HttpContext context, UserStore users, CancellationToken ct)
    {
        if (!UserStore.IsValidUserId(body?.UserId))
        {
            return Invalid("userId", "is required: 1-64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit");
        }

        if (body!.DisplayName is not { } displayName || string.IsNullOrWhiteSpace(displayName) || displayName.Length > 200)
        {
            return Invalid("displayName", "is required, 1-200 characters");
        }

        if (!Roles.IsKnown(body.Role))
        {
            return Invalid("role", $"must be one of {string.Join(", ", Roles.All)}");
        }

        if (body.Team is { Length: > 100 })
        {
            return Invalid("team", "must be at most 100 characters");
        }

        if (body.Password is { } given && UserStore.CheckPassword(given) is { } why)
        {
            return Invalid("password", why);
        }

        try
        {
            var (user, password) = await users.CreateAsync(Actor.FromPrincipal(context.User)!, body.UserId!, displayName.Trim(), body.Role!,
                string.IsNullOrWhiteSpace(body.Team) ? null : body.Team.Trim(), body.Password, ct);
            return TypedResults.Created($"/api/v1/users/{user.UserId}", new CreatedUserDto(UserDto.From(user), body.Password is null ? password : null));
        }
        catch (AccessConflictException ex)
        {
            return Problem(ex);
        }
    }

    internal static async Task<Results<Ok<UserDto>, ValidationProblem, ProblemHttpResult>> UpdateUserAsync(
        string id, UpdateUserRequest? body, HttpContext context, UserStore users, CancellationToken ct)
    {
        if (body is null)
        {
            return Invalid("body", "is required");
        }

        if (body.DisplayName is { } name && (string.IsNullOrWhiteSpace(name) || name.Length > 200))
        {
            return Invalid("displayName", "must be 1-200 characters");
        }

        if (body.Role is not null && !Roles.IsKnown(body.Role))
        {
            return Invalid("role", $"must be one of {string.Join(", ", Roles.All)}");
        }

        if (body.Team is { Length: > 100 })
        {
            return Invalid("team", "must be at most 100 characters");
        }

        try
        {
            var user = await users.UpdateAsync(Actor.FromPrincipal(context.User)!, id, body.DisplayName?.Trim(), body.Role, body.Team?.Trim(), body.Active, ct);
            return TypedResults.Ok(UserDto.From(user));
        }
        catch (AccessConflictException ex)
        {
            return Problem(ex);
        }
    }

    internal static async Task<Results<Ok<PasswordDto>, NoContent, ValidationProblem, ProblemHttpResult>> ResetPasswordAsync(
        string id, ResetPasswordRequest? body, HttpContext context, UserStore users, CancellationToken ct)
    {
        if (body?.Password is { } given && UserStore.CheckPassword(given) is { } why)
        {
            return Invalid("password", why);
        }

        try
        {
            var password = await users.ResetPasswordAsync(Actor.FromPrincipal(context.User)!, id, body?.Password, ct);
            return body?.Password is null ? TypedResults.Ok(new PasswordDto(password)) : TypedResults.NoContent();
        }
        catch (AccessConflictException ex)
        {
            return Problem(ex);
        }
    }

    internal static async Task<Results<Ok<AuditPageDto>, ValidationProblem>> ListAuditAsync(HttpRequest request, IDomainDbFactory<AccessDb> factory, CancellationToken ct)
    {
        var q = request.Query;
        string? One(string name) => q.TryGetValue(name, out StringValues v) && v.Count > 0 && !string.IsNullOrEmpty(v[0]) ? v[0] : null;
        var actor = One("actor");
        var entityType = One("entityType");
        var entityId = One("entityId");
        var action = One("action");
        if (!TryTime(One("from"), out var from))
        {
            return Invalid("from", "must be an ISO-8601 timestamp, e.g. 2025-01-31T12:00:00Z");
        }

        if (!TryTime(One("to"), out var to))
        {
            return Invalid("to", "must be an ISO-8601 timestamp, e.g. 2025-01-31T12:00:00Z");
        }

        long? cursor = null;
        if (One("cursor") is { } c)
        {
            if (!long.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return Invalid("cursor", "must be the nextCursor of the previous page");
            }

            cursor = parsed;
        }

        var limit = DefaultLimit;
        if (One("limit") is { } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            return Invalid("limit", $"must be an integer from 1 to {MaxLimit}");
        }

        await using var db = factory.Create();
        var query = db.AuditLog.AsNoTracking();
        if (actor is not null)
        {
            query = query.Where(a => a.ActorId == actor);
        }

        if (entityType is not null)
        {
            query = query.Where(a => a.EntityType == entityType);
        }

        if (entityId is not null)
        {
            query = query.Where(a => a.EntityId == entityId);
        }

        if (action is not null)
        {
            query = query.Where(a => a.Action == action);
        }

        if (from is { } f)
        {
            query = query.Where(a => a.At >= f);
        }

        if (to is { } t)
        {
            query = query.Where(a => a.At < t);
        }

        if (cursor is { } before)
        {
            query = query.Where(a => a.Id < before);
        }

        var rows = await query.OrderByDescending(a => a.Id).Take(limit).ToListAsync(ct);
        var items = rows.Select(r => new AuditEntryDto(r.Id, r.At, r.ActorId, r.ActorName, r.ActorRole, r.Action, r.EntityType, r.EntityId, r.Detail, r.Method, r.Route, r.Status)).ToList();
        var next = rows.Count == limit ? rows[^1].Id.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new AuditPageDto(items, next));
    }

    internal static bool TryTime(string? text, out DateTimeOffset? value)
    {
        value = null;
        if (text is null)
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return false;
        }

        value = parsed;
        return true;
    }

    internal static ValidationProblem Invalid(string field, string why) =>
        ApiProblems.Invalid(field, $"'{field}' {why}.");

    internal static ProblemHttpResult Problem(AccessConflictException ex) => ex.NotFound
        ? TypedResults.Problem(title: "Not found", detail: ex.Message, statusCode: StatusCodes.Status404NotFound)
        : TypedResults.Problem(title: "Conflict", detail: ex.Message, statusCode: StatusCodes.Status409Conflict);
}
