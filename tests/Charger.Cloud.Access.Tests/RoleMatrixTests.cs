using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Charger.Cloud.Core.AfterSales;
using Charger.Cloud.Data;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Charger.Cloud.Access.Tests;

/// <summary>
/// The role x endpoint matrix: every <c>/api/v1</c> endpoint of the real host is in <see cref="RoleMatrix.Rows"/>, and each
/// role gets 403 exactly where the table does not list it (dummy ids and an empty JSON body: an allowed role may answer
/// 400 or 404, never 401 or 403); without a token every endpoint but the anonymous ones answers 401.
/// </summary>
public sealed partial class RoleMatrixTests : IAsyncLifetime
{
    private AccessHost _host = null!;

    public async Task InitializeAsync() => _host = await AccessHost.CreateAsync(DomainDbProvider.Sqlite);

    public Task DisposeAsync() => _host.DeleteAsync();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();

    private static string Normalize(string route) => route.Length > 1 ? "/" + route.Trim('/') : route;

    private List<(string Method, string Route)> HostEndpoints() =>
        _host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && Normalize(raw).StartsWith("/api/v1/", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => (Method: m, Route: Normalize(e.RoutePattern.RawText!))))
            .Distinct()
            .ToList();

    [Fact]
    public void Every_api_endpoint_of_the_host_is_in_the_table_and_every_row_is_an_endpoint()
    {
        _ = _host.Server;
        var endpoints = HostEndpoints();
        var rows = RoleMatrix.Rows.Select(r => (r.Method, Route: Normalize(r.Route))).ToList();

        var missing = endpoints.Except(rows).Select(e => $"{e.Method} {e.Route}").ToList();
        var stale = rows.Except(endpoints).Select(e => $"{e.Method} {e.Route}").ToList();
        var twice = rows.GroupBy(r => r).Where(g => g.Count() > 1).Select(g => $"{g.Key.Method} {g.Key.Route}").ToList();

        Assert.True(missing.Count == 0, "Endpoints missing from RoleMatrix.Table.cs (add a row each):\n" + string.Join("\n", missing));
        Assert.True(stale.Count == 0, "Rows of RoleMatrix.Table.cs the host does not have:\n" + string.Join("\n", stale));
        Assert.True(twice.Count == 0, "Rows listed twice:\n" + string.Join("\n", twice));
        Assert.All(RoleMatrix.Rows, r => Assert.All(r.Allowed, role => Assert.True(role == RoleMatrix.Anonymous || Roles.IsKnown(role), $"{r.Method} {r.Route}: unknown role '{role}'")));
    }

    [Fact]
    public async Task Each_role_is_refused_exactly_the_endpoints_the_table_does_not_give_it_and_anonymous_callers_get_401()
    {
        var clients = new Dictionary<string, HttpClient> { [Roles.Admin] = await _host.AdminAsync() };
        foreach (var role in Roles.All.Where(r => r != Roles.Admin))
        {
            clients[role] = await _host.UserAsync(role, $"matrix-{role}");
        }

        clients[RoleMatrix.Anonymous] = _host.Anonymous();
        var failures = new List<string>();
        try
        {
            foreach (var row in RoleMatrix.Rows)
            {
                foreach (var (who, client) in clients)
                {
                    var status = await CallAsync(client, row);
                    var allowed = row.Allowed.Contains(who);
                    var ok = who == RoleMatrix.Anonymous
                        ? (allowed ? status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) : status == HttpStatusCode.Unauthorized)
                        : (allowed ? status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) : status == HttpStatusCode.Forbidden);
                    if (!ok)
                    {
                        failures.Add($"{row.Method} {row.Route} as {who}: {(int)status} {status} (table: {(allowed ? "allowed" : "refused")})");
                    }
                }
            }
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static async Task<HttpStatusCode> CallAsync(HttpClient client, RoleMatrix.Row row)
    {
        var path = Parameter().Replace(row.Route, "matrix-x");
        using var request = new HttpRequestMessage(new HttpMethod(row.Method), new Uri(path, UriKind.Relative));
        if (row.Method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
