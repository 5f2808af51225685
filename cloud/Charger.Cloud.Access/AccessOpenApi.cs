using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Charger.Cloud.Access;

/// <summary>
/// Describes sign-in in the OpenAPI document: the bearer token and the cookie as security schemes, and for every operation
/// who may call it (<c>x-roles</c>: the roles of its authorization policies, or <c>anonymous</c>), also appended to its
/// description. The roles are read from the same endpoint metadata the authorization middleware enforces.
/// </summary>
internal static class AccessOpenApi
{
    public static IServiceCollection AddAccessOpenApi(this IServiceCollection services) =>
        services.Configure<OpenApiOptions>("v1", options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[AccessSchemes.Bearer] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An API token from POST /api/v1/auth/tokens, sent as 'Authorization: Bearer chg_...'.",
                };
                document.Components.SecuritySchemes[AccessSchemes.Cookie] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Cookie,
                    Name = AccessSchemes.CookieName,
                    Description = "The web UI's sign-in cookie from POST /api/v1/auth/login (HttpOnly, SameSite=Strict).",
                };
                document.Security ??= [];
                document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(AccessSchemes.Bearer, document)] = [] });
                document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(AccessSchemes.Cookie, document)] = [] });
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(async (operation, context, _) =>
            {
                var roles = await RolesOfAsync(context.Description.ActionDescriptor.EndpointMetadata, context.ApplicationServices);
                roles = roles is { Count: 0 } ? [.. Charger.Cloud.AfterSales.Roles.All] : roles;
                var text = roles is null ? "anonymous" : roles.Count == 0 ? "any signed-in user" : string.Join(", ", roles);
                operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                operation.Extensions["x-roles"] = new JsonNodeExtension(roles is null ? new JsonArray("anonymous") : new JsonArray([.. roles.Select(r => (JsonNode)JsonValue.Create(r))]));
                operation.Description = (string.IsNullOrEmpty(operation.Description) ? string.Empty : operation.Description + " ") + $"Roles: {text}.";
                if (roles is null)
                {
                    operation.Security = [];
                }
            });
        });

    /// <summary>The roles an endpoint admits (empty: any signed-in user), or null when it allows anonymous callers.</summary>
    private static async Task<IReadOnlyList<string>?> RolesOfAsync(IList<object> metadata, IServiceProvider services)
    {
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return null;
        }

        var provider = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var policies = new List<AuthorizationPolicy>(metadata.OfType<AuthorizationPolicy>());
        foreach (var data in metadata.OfType<IAuthorizeData>())
        {
            if (data.Policy is { } name && await provider.GetPolicyAsync(name) is { } named)
            {
                policies.Add(named);
            }

            if (data.Roles is { } listed)
            {
                policies.Add(new AuthorizationPolicyBuilder().RequireRole(listed.Split(',', StringSplitOptions.TrimEntries)).Build());
            }
        }

        if (policies.Count == 0 && await provider.GetFallbackPolicyAsync() is { } fallback)
        {
            policies.Add(fallback);
        }

        // Every policy must pass, so the roles admitted are the intersection of the role requirements.
        IEnumerable<string>? admitted = null;
        foreach (var requirement in policies.SelectMany(p => p.Requirements).OfType<RolesAuthorizationRequirement>())
        {
            admitted = admitted is null ? requirement.AllowedRoles : admitted.Intersect(requirement.AllowedRoles, StringComparer.Ordinal);
        }

        return admitted?.ToList() ?? [];
    }
}
