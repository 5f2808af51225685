using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Xml.Linq;
using Charger.Cloud.Access.Data;
using Charger.Cloud.AfterSales;
using Charger.Cloud.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Access;

/// <summary>The authentication schemes: a policy scheme picks the bearer token handler or the cookie per request.</summary>
public static class AccessSchemes
{
    /// <summary>The default scheme: bearer when the request has <c>Authorization: Bearer</c>, else the cookie.</summary>
    public const string Default = "charger";

    /// <summary>API tokens (<c>Authorization: Bearer chg_...</c>).</summary>
    public const string Bearer = "bearer";

    /// <summary>The UI's sign-in cookie.</summary>
    public const string Cookie = "cookie";

    /// <summary>The sign-in cookie's name.</summary>
    public const string CookieName = "charger_session";

    /// <summary>Claim carrying how the principal was authenticated: <c>cookie</c> or <c>token:{id}</c>.</summary>
    public const string MethodClaim = "charger:auth";

    /// <summary>A principal with the claims <see cref="Actor.FromPrincipal"/> reads.</summary>
    public static ClaimsPrincipal Principal(StaffMember user, string scheme, string method)
    {
        ArgumentNullException.ThrowIfNull(user);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.UserId),
            new(ClaimTypes.Name, user.DisplayName),
            new(ClaimTypes.Role, user.Role),
            new(MethodClaim, method),
        };
        if (user.Team is not null)
        {
            claims.Add(new Claim("charger:team", user.Team));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>Writes a 401 or 403 problem details answer (API callers get no redirects).</summary>
    internal static Task WriteProblemAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        var problem = new ProblemDetails
        {
            Status = status,
            Title = status == StatusCodes.Status401Unauthorized ? "Sign-in required" : "Forbidden",
            Detail = detail,
        };
        return context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
    }
}

/// <summary>Authenticates <c>Authorization: Bearer</c> API tokens against <see cref="TokenStore"/>.</summary>
internal sealed class ApiTokenHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    private readonly TokenStore _tokens;

    public ApiTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TokenStore tokens)
        : base(options, logger, encoder) => _tokens = tokens;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var (user, tokenId, refusal) = await _tokens.ValidateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (user is null)
        {
            AccessLog.TokenRefused(Logger, refusal ?? "refused");
            return AuthenticateResult.Fail(refusal ?? "refused");
        }

        var principal = AccessSchemes.Principal(user, Scheme.Name, "token:" + tokenId);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var detail = result.Failure is { } failure
            ? $"The bearer token was refused: {failure.Message}."
            : "Sign in (POST /api/v1/auth/login) or send an API token as 'Authorization: Bearer <token>'.";
        await AccessSchemes.WriteProblemAsync(Context, StatusCodes.Status401Unauthorized, detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AccessSchemes.WriteProblemAsync(Context, StatusCodes.Status403Forbidden, "Your role may not do this.");
}

/// <summary>The cookie's events: 401/403 as problem details instead of redirects; a disabled user or a changed role ends the session.</summary>
internal sealed class AccessCookieEvents : CookieAuthenticationEvents
{
    public AccessCookieEvents()
    {
        OnRedirectToLogin = c => AccessSchemes.WriteProblemAsync(c.HttpContext, StatusCodes.Status401Unauthorized,
            "Sign in (POST /api/v1/auth/login) or send an API token as 'Authorization: Bearer <token>'.");
        OnRedirectToAccessDenied = c => AccessSchemes.WriteProblemAsync(c.HttpContext, StatusCodes.Status403Forbidden, "Your role may not do this.");
        OnRedirectToLogout = c =>
        {
            c.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        };
        OnRedirectToReturnUrl = c => Task.CompletedTask;
        OnValidatePrincipal = async c =>
        {
            var id = c.Principal?.FindFirst(ClaimTypes.NameIdentifier)?.Value;
            var role = c.Principal?.FindFirst(ClaimTypes.Role)?.Value;
            var user = id is null ? null : await c.HttpContext.RequestServices.GetRequiredService<UserStore>().FindAsync(id, c.HttpContext.RequestAborted);
            if (user is null || !user.Active || user.Role != role)
            {
                c.RejectPrincipal();
                await c.HttpContext.SignOutAsync(AccessSchemes.Cookie);
            }
        };
    }
}

/// <summary>Keeps the cookie's data-protection keys in the database, so every receiver on it reads every other's cookies.</summary>
internal sealed class DbXmlRepository : IXmlRepository
{
    private readonly IDomainDbFactory<AccessDb> _db;

    public DbXmlRepository(IDomainDbFactory<AccessDb> db) => _db = db;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var db = _db.Create();
        return db.DataProtectionKeys.AsEnumerable().Select(k => XElement.Parse(k.Xml)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var db = _db.Create();
        db.DataProtectionKeys.Add(new DataProtectionKeyRow { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }
}
