using Charger.Cloud.Access.Data;
using Charger.Cloud.AfterSales;
using Charger.Cloud.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Access;

/// <summary>Registration of the access area in the charger-cloud host.</summary>
public static class AccessServiceCollectionExtensions
{
    /// <summary>
    /// Users, sign-in (cookie and bearer tokens behind one policy scheme), the authorization policies of
    /// <see cref="Policies"/> (and a fallback requiring sign-in for endpoints that name none), the audit log and its
    /// request safety net, customers with encrypted contact data, and the first-run administrator. Needs the host's
    /// <see cref="DomainDatabase"/>; reads <c>Cloud:DataDirectory</c> and the section <c>Access</c>.
    /// </summary>
    public static IServiceCollection AddAccess(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AccessOptions>()
            .BindConfiguration(AccessOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AccessOptions>, AccessOptionsValidator>();
        services.PostConfigure<AccessOptions>(o =>
            o.DataDirectory = Path.GetFullPath(configuration["Cloud:DataDirectory"] is { Length: > 0 } directory ? directory : "./data"));

        services.AddDomainDb<AccessDb>(AccessDb.HistoryTable, o => new SqliteAccessDb(o), o => new PostgresAccessDb(o));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<UserStore>();
        services.AddSingleton<IStaffDirectory>(sp => sp.GetRequiredService<UserStore>());
        services.AddSingleton<TokenStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<AuditLog>());
        services.AddSingleton(sp => PersonalDataKeyLoader.Load(
            sp.GetRequiredService<IOptions<AccessOptions>>().Value, sp.GetRequiredService<ILoggerFactory>().CreateLogger<PersonalDataKeyring>()));
        services.AddSingleton<CustomerStore>();
        services.AddSingleton<ICustomerDirectory>(sp => sp.GetRequiredService<CustomerStore>());
        services.AddHostedService<AccessStartup>();
        services.AddSingleton<IStartupFilter, AuditRequestsStartupFilter>();

        // The cookie's keys live in the database, so every receiver on it accepts every other's cookies.
        services.AddDataProtection().SetApplicationName("charger-cloud");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
            o.XmlRepository = new DbXmlRepository(sp.GetRequiredService<IDomainDbFactory<AccessDb>>())));

        services.AddAuthentication(AccessSchemes.Default)
            .AddPolicyScheme(AccessSchemes.Default, "Bearer token or sign-in cookie", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? AccessSchemes.Bearer : AccessSchemes.Cookie)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(AccessSchemes.Bearer, null)
            .AddCookie(AccessSchemes.Cookie, o =>
            {
                o.Cookie.Name = AccessSchemes.CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Cookie.Path = "/";
                o.SlidingExpiration = true;
                o.Events = new AccessCookieEvents();
            });
        services.AddOptions<CookieAuthenticationOptions>(AccessSchemes.Cookie)
            .Configure<IOptions<AccessOptions>>((cookie, access) => cookie.ExpireTimeSpan = TimeSpan.FromMinutes(access.Value.SessionMinutes));

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.AnyStaff, p => p.RequireRole(Roles.All))
            .AddPolicy(Policies.PersonalData, p => p.RequireRole(CustomerApi.PersonalDataRoles))
            .AddPolicy(Policies.ManageUsers, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.ReadAudit, p => p.RequireRole(Roles.Auditor, Roles.Supervisor, Roles.Admin))
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(AccessJsonContext.Default));
        services.AddAccessOpenApi();
        return services;
    }
}
