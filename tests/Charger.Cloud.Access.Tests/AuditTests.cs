using System.Net;
using System.Net.Http.Json;
using Charger.Cloud.Access.Data;
using Charger.Cloud.AfterSales;
using Charger.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Charger.Cloud.Access.Tests;

/// <summary>The audit log: the IAuditLog seam, the request safety net, queries, and a database that refuses changes to entries.</summary>
public abstract class AuditTests(DomainDbProvider provider) : IAsyncLifetime
{
    private AccessHost _host = null!;

    public async Task InitializeAsync() => _host = await AccessHost.CreateAsync(provider);

    public Task DisposeAsync() => _host.DeleteAsync();

    [Fact]
    public async Task Every_non_get_api_request_is_recorded_with_actor_route_values_and_status_even_when_refused()
    {
        using var engineer = await _host.UserAsync(Roles.RepairEngineer, "eng-ma");

        using (var refused = await engineer.PutAsync(new Uri("/api/v1/customers/C-9/chargers/CP-7", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using var auditor = await _host.UserAsync(Roles.Auditor);
        var page = await auditor.GetJsonAsync("/api/v1/audit?actor=eng-ma&action=http.request");
        var entry = Assert.Single(page.GetProperty("items").EnumerateArray(), e => e.GetProperty("method").GetString() == "PUT");
        Assert.Equal(("/api/v1/customers/{id}/chargers/{chargerId}", 403, "repair-engineer"),
            (entry.GetProperty("route").GetString(), entry.GetProperty("status").GetInt32(), entry.GetProperty("actorRole").GetString()));
        Assert.Contains("id=C-9", entry.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("chargerId=CP-7", entry.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(page.GetProperty("items").EnumerateArray(), e => e.GetProperty("method").GetString() == "GET");
    }

    [Fact]
    public async Task Entries_recorded_through_the_seam_are_filtered_and_paged_newest_first()
    {
        var log = _host.Services.GetRequiredService<IAuditLog>();
        var t0 = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var actor = new Actor("sup-1", "Supervisor One", Roles.Supervisor);
        for (var i = 0; i < 5; i++)
        {
            await log.RecordAsync(new AuditEntry(t0.AddHours(i), actor, "work-order.assign", "work-order", $"WO-{i % 2}", $"step {i}"), CancellationToken.None);
        }

        using var supervisor = await _host.UserAsync(Roles.Supervisor);
        var first = await supervisor.GetJsonAsync("/api/v1/audit?entityType=work-order&entityId=WO-0&limit=2");
        Assert.Equal(["step 4", "step 2"], first.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("detail").GetString()));
        var next = first.GetProperty("nextCursor").GetString();
        var second = await supervisor.GetJsonAsync($"/api/v1/audit?entityType=work-order&entityId=WO-0&limit=2&cursor={next}");
        Assert.Equal(["step 0"], second.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("detail").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);

        var window = await supervisor.GetJsonAsync("/api/v1/audit?actor=sup-1&from=2026-03-01T01:00:00Z&to=2026-03-01T03:00:00Z");
        Assert.Equal(["step 2", "step 1"], window.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("detail").GetString()));

        var bad = await supervisor.GetJsonAsync("/api/v1/audit?from=yesterday", HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("from", out _));
    }

    [Fact]
    public async Task The_database_refuses_to_change_or_delete_an_audit_entry()
    {
        await _host.Services.GetRequiredService<IAuditLog>().RecordAsync(
            new AuditEntry(_host.Clock.GetUtcNow(), Actor.System, "alarm.raise", "alarm", "A-1"), CancellationToken.None);
        await using var db = _host.Services.GetRequiredService<IDomainDbFactory<AccessDb>>().Create();

        await Assert.ThrowsAnyAsync<Exception>(() => db.AuditLog.ExecuteUpdateAsync(s => s.SetProperty(a => a.Detail, "rewritten")));
        await Assert.ThrowsAnyAsync<Exception>(() => db.AuditLog.ExecuteDeleteAsync());

        Assert.Contains(await db.AuditLog.AsNoTracking().ToListAsync(), a => a is { Action: "alarm.raise", EntityId: "A-1", Detail: null });
    }

    [Fact]
    public async Task Only_auditor_supervisor_and_admin_read_the_audit_log()
    {
        foreach (var role in Roles.All)
        {
            using var client = role == Roles.Admin ? await _host.AdminAsync() : await _host.UserAsync(role);
            using var response = await client.GetAsync(new Uri("/api/v1/audit", UriKind.Relative));
            var allowed = role is Roles.Auditor or Roles.Supervisor or Roles.Admin;
            Assert.True(allowed ? response.StatusCode == HttpStatusCode.OK : response.StatusCode == HttpStatusCode.Forbidden, $"{role}: {(int)response.StatusCode}");
        }
    }
}

public sealed class SqliteAuditTests() : AuditTests(DomainDbProvider.Sqlite);

public sealed class PostgresAuditTests() : AuditTests(DomainDbProvider.Postgres);
