using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Charger.Cloud.AfterSales;
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

    [GeneratedRegex(@"\{(\w+)[:?][^}]*\}")]
    private static partial Regex Constraint();

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

    [Fact]
    public async Task The_openapi_document_names_the_roles_of_every_endpoint_as_the_table_does()
    {
        using var client = _host.Anonymous();
        using var document = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var root = document.RootElement;
        Assert.Equal("bearer", root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());

        var failures = new List<string>();
        foreach (var row in RoleMatrix.Rows)
        {
            var documentPath = Constraint().Replace(Normalize(row.Route), "{$1}");
            if (!root.GetProperty("paths").TryGetProperty(documentPath, out var path) || !path.TryGetProperty(row.Method.ToLowerInvariant(), out var operation))
            {
                failures.Add($"{row.Method} {row.Route}: not in the OpenAPI document");
                continue;
            }

            var documented = operation.GetProperty("x-roles").EnumerateArray().Select(r => r.GetString()!).ToHashSet();
            var expected = row.Allowed.Contains(RoleMatrix.Anonymous) ? [RoleMatrix.Anonymous] : row.Allowed.ToHashSet();
            if (!documented.SetEquals(expected))
            {
                failures.Add($"{row.Method} {row.Route}: document says {string.Join(",", documented.Order())}, table {string.Join(",", expected.Order())}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static async Task<HttpStatusCode> CallAsync(HttpClient client, RoleMatrix.Row row)
    {
        // A value each parameter's constraint accepts (so the route matches and authorization runs), naming nothing that exists.
        var path = Parameter().Replace(row.Route, m => m.Value switch
        {
            _ when m.Value.Contains(":int", StringComparison.Ordinal) || m.Value.Contains(":long", StringComparison.Ordinal) => "987654321",
            _ when m.Value.Contains(":guid", StringComparison.Ordinal) => Guid.Empty.ToString(),
            _ => "matrix-x",
        });
        using var request = new HttpRequestMessage(new HttpMethod(row.Method), new Uri(path, UriKind.Relative));
        if (row.Method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        // Headers only: a live-update stream that is let through never ends (it is closed when disposed).
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }
}
