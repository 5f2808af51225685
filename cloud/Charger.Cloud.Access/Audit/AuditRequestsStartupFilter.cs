using System.Text;
using Charger.Cloud.Access.Data;
using Charger.Cloud.AfterSales;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Charger.Cloud.Access;

/// <summary>
/// The audit log's safety net: wraps the whole pipeline and records every non-GET request under <c>/api/v1</c> (actor,
/// method, route pattern, route values, status), refused ones included, so no change escapes the log even where an
/// endpoint forgot to write its own entry. Never the body (it may hold passwords or personal data).
/// </summary>
internal sealed class AuditRequestsStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method)
                    && context.Request.Path.StartsWithSegments("/api/v1", StringComparison.OrdinalIgnoreCase))
                {
                    await RecordAsync(context);
                }
            }
        });
        next(app);
    };

    private static async Task RecordAsync(HttpContext context)
    {
        var method = context.Request.Method;
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText is { } pattern
            ? "/" + pattern.TrimStart('/')
            : context.Request.Path.Value ?? string.Empty;
        var status = context.Response.StatusCode;
        try
        {
            var actor = Actor.FromPrincipal(context.User) ?? new Actor("anonymous", "anonymous", "anonymous");
            var values = new StringBuilder();
            foreach (var (key, value) in context.Request.RouteValues)
            {
                values.Append(values.Length == 0 ? string.Empty : " ").Append(key).Append('=').Append(value);
            }

            var row = AuditLog.ToRow(new AuditEntry(
                context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(), actor, "http.request", "endpoint", $"{method} {route}",
                values.Length == 0 ? null : values.ToString()));
            row.Method = method;
            row.Route = AuditLog.Clip(route, 300);
            row.Status = status;
            await context.RequestServices.GetRequiredService<AuditLog>().AppendAsync(row, CancellationToken.None);
        }
        catch (Exception ex)
        {
            AccessLog.AuditRequestFailed(context.RequestServices.GetRequiredService<ILogger<AuditLog>>(), ex, method, route, status);
        }
    }
}
