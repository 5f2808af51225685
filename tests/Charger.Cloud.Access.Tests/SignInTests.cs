using System.Net;
using System.Net.Http.Json;
using Charger.Cloud.Access.Data;
using Charger.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Charger.Cloud.Access.Tests;

/// <summary>First-run credential, sign-in, lockout, tokens, through the real host, on SQLite and PostgreSQL.</summary>
public abstract class SignInTests(DomainDbProvider provider) : IAsyncLifetime
{
    private AccessHost _host = null!;

    public async Task InitializeAsync() => _host = await AccessHost.CreateAsync(provider);

    public Task DisposeAsync() => _host.DeleteAsync();

    [Fact]
    public async Task First_start_writes_an_owner_only_admin_credential_that_signs_in_and_a_second_start_keeps_it()
    {
        _ = _host.Server;

        Assert.True(File.Exists(_host.CredentialFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_host.CredentialFile));
        }

        var content = await File.ReadAllTextAsync(_host.CredentialFile);
        var (user, password) = AccessFiles.ReadCredential(_host.CredentialFile);
        Assert.Equal("admin", user);
        Assert.True(password.Length >= 20, password);
        using (var admin = await _host.AdminAsync())
        {
            var me = await admin.GetJsonAsync("/api/v1/auth/me");
            Assert.Equal(("admin", "admin"), (me.GetProperty("userId").GetString(), me.GetProperty("role").GetString()));
        }

        Assert.Empty(Directory.GetFiles(_host.DataDirectory, "admin-credential.*.tmp"));
        await _host.DisposeAsync();

        await using var again = _host.Again();
        _ = again.Server;
        Assert.Equal(content, await File.ReadAllTextAsync(again.CredentialFile));
        using var stillAdmin = await again.AdminAsync();
        var users = await stillAdmin.GetJsonAsync("/api/v1/users");
        Assert.Equal(["admin"], users.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("userId").GetString()));
    }

    [Fact]
    public async Task Two_receivers_starting_together_create_one_admin_and_one_credential_file()
    {
        await using var second = _host.Again();
        await Task.WhenAll(Task.Run(() => _host.Server), Task.Run(() => second.Server));

        await using var db = _host.Services.GetRequiredService<IDomainDbFactory<AccessDb>>().Create();
        Assert.Equal(1, await db.Users.CountAsync());
        Assert.Single(Directory.GetFiles(_host.DataDirectory, "admin-credential*"));
        using var admin = await _host.AdminAsync();
        Assert.Equal("admin", (await admin.GetJsonAsync("/api/v1/auth/me")).GetProperty("userId").GetString());
    }

    [Fact]
    public async Task Cookie_sign_in_is_http_only_and_strict_and_sign_out_ends_it()
    {
        _ = _host.Server;
        var (user, password) = AccessFiles.ReadCredential(_host.CredentialFile);
        using var client = _host.Anonymous();

        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { userId = user, password });
        await login.JsonAsync(HttpStatusCode.OK);
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(AccessSchemes.CookieName + "=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        var cookie = setCookie.Split(';')[0];

        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        me.Headers.Add("Cookie", cookie);
        var body = await (await client.SendAsync(me)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("cookie", body.GetProperty("authenticatedBy").GetString());

        using var logout = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/logout");
        logout.Headers.Add("Cookie", cookie);
        using var loggedOut = await client.SendAsync(logout);
        Assert.Equal(HttpStatusCode.NoContent, loggedOut.StatusCode);
        Assert.Contains(loggedOut.Headers.GetValues("Set-Cookie"), c => c.StartsWith(AccessSchemes.CookieName + "=;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Anonymous_api_calls_get_401_problem_details_and_never_a_redirect()
    {
        using var client = _host.Anonymous();

        using var response = await client.GetAsync(new Uri("/api/v1/chargers", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Headers.Location);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_until_the_lockout_ends_and_every_attempt_is_audited()
    {
        using var admin = await _host.AdminAsync();
        using var created = await admin.PostAsJsonAsync("/api/v1/users", new { userId = "eng-li", displayName = "Li", role = "repair-engineer", password = AccessHost.Password });
        await created.JsonAsync(HttpStatusCode.Created);
        using var client = _host.Anonymous();

        for (var i = 0; i < 4; i++)
        {
            using var wrong = await client.PostAsJsonAsync("/api/v1/auth/login", new { userId = "eng-li", password = "wrong password!" });
            await wrong.JsonAsync(HttpStatusCode.Unauthorized);
        }

        using var fifth = await client.PostAsJsonAsync("/api/v1/auth/login", new { userId = "eng-li", password = "wrong password!" });
        await fifth.JsonAsync(HttpStatusCode.TooManyRequests);
        using var rightButLocked = await client.PostAsJsonAsync("/api/v1/auth/login", new { userId = "eng-li", password = AccessHost.Password });
        var problem = await rightButLocked.JsonAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("2026-03-02T08:15:00Z", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("900", rightButLocked.Headers.GetValues("Retry-After").Single());

        _host.Clock.Advance(TimeSpan.FromMinutes(15));
        using var afterLockout = await client.PostAsJsonAsync("/api/v1/auth/login", new { userId = "eng-li", password = AccessHost.Password });
        await afterLockout.JsonAsync(HttpStatusCode.OK);

        var audit = await admin.GetJsonAsync("/api/v1/audit?entityType=user&entityId=eng-li&limit=100");
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).Reverse().ToList();
        Assert.Equal(["user.create", "auth.sign-in-failed", "auth.sign-in-failed", "auth.sign-in-failed", "auth.sign-in-failed", "auth.locked-out", "auth.sign-in-locked", "auth.sign-in"], actions);
        Assert.DoesNotContain(audit.GetProperty("items").EnumerateArray(), e => (e.GetProperty("detail").GetString() ?? string.Empty).Contains("wrong password!", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_revoked_token_an_expired_token_and_a_disabled_users_token_are_refused()
    {
        using var admin = await _host.AdminAsync();
        using var engineer = await _host.UserAsync("repair-engineer", "eng-wang");
        Assert.Equal(HttpStatusCode.OK, (await engineer.GetAsync(new Uri("/api/v1/chargers", UriKind.Relative))).StatusCode);

        // Revoked: the owner's own token, by the admin.
        var tokens = await admin.GetJsonAsync("/api/v1/auth/tokens?userId=eng-wang");
        var id = tokens.EnumerateArray().Single().GetProperty("id").GetString();
        using (var revoked = await admin.DeleteAsync(new Uri($"/api/v1/auth/tokens/{id}", UriKind.Relative)))
        {
            Assert.NotNull((await revoked.JsonAsync(HttpStatusCode.OK)).GetProperty("revokedAt").GetString());
        }

        using (var refused = await engineer.GetAsync(new Uri("/api/v1/chargers", UriKind.Relative)))
        {
            var problem = await refused.JsonAsync(HttpStatusCode.Unauthorized);
            Assert.Contains("revoked", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // Expired: a token of the default 90 days, 91 days later.
        var token = await _host.CreateTokenAsync("eng-wang", AccessHost.Password);
        using var shortLived = _host.Anonymous();
        shortLived.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await shortLived.GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative))).StatusCode);
        _host.Clock.Advance(TimeSpan.FromDays(91));
        using (var expired = await shortLived.GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative)))
        {
            Assert.Contains("expired", (await expired.JsonAsync(HttpStatusCode.Unauthorized)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // Disabled: a fresh token stops working when its owner is disabled, and the owner cannot sign in.
        using var fresh = await _host.TokenClientAsync("eng-wang", AccessHost.Password);
        using var adminNow = await _host.AdminAsync();
        using (var disabled = await adminNow.PatchAsJsonAsync("/api/v1/users/eng-wang", new { active = false }))
        {
            Assert.False((await disabled.JsonAsync(HttpStatusCode.OK)).GetProperty("active").GetBoolean());
        }

        using (var refused = await fresh.GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative)))
        {
            Assert.Contains("disabled", (await refused.JsonAsync(HttpStatusCode.Unauthorized)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var login = await _host.Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { userId = "eng-wang", password = AccessHost.Password });
        await login.JsonAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Only_the_admin_manages_users_and_the_last_admin_cannot_be_disabled()
    {
        using var admin = await _host.AdminAsync();
        using var supervisor = await _host.UserAsync("supervisor", "sup-zhao", team: "north");

        using (var refused = await supervisor.PostAsJsonAsync("/api/v1/users", new { userId = "x1", displayName = "X", role = "admin" }))
        {
            await refused.JsonAsync(HttpStatusCode.Forbidden);
        }

        using (var last = await admin.PatchAsJsonAsync("/api/v1/users/admin", new { active = false }))
        {
            Assert.Contains("last active admin", (await last.JsonAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using (var generated = await admin.PostAsJsonAsync("/api/v1/users", new { userId = "svc-chen", displayName = "Chen", role = "service-specialist" }))
        {
            var body = await generated.JsonAsync(HttpStatusCode.Created);
            var password = body.GetProperty("password").GetString()!;
            Assert.Equal(20, password.Length);
            using var chen = await _host.TokenClientAsync("svc-chen", password);
            Assert.Equal("service-specialist", (await chen.GetJsonAsync("/api/v1/auth/me")).GetProperty("role").GetString());
        }

        using (var bad = await admin.PostAsJsonAsync("/api/v1/users", new { userId = "Bad Id", displayName = "X", role = "admin" }))
        {
            var problem = await bad.JsonAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("userId", out _));
        }

        using (var role = await admin.PatchAsJsonAsync("/api/v1/users/sup-zhao", new { role = "auditor", team = "" }))
        {
            var user = await role.JsonAsync(HttpStatusCode.OK);
            Assert.Equal(("auditor", true), (user.GetProperty("role").GetString(), user.GetProperty("team").ValueKind == System.Text.Json.JsonValueKind.Null));
        }

        var staff = await _host.Services.GetRequiredService<Charger.Cloud.AfterSales.IStaffDirectory>().FindAsync("sup-zhao", CancellationToken.None);
        Assert.Equal(new Charger.Cloud.AfterSales.StaffMember("sup-zhao", "User sup-zhao", "auditor", null, true), staff);
    }
}

public sealed class SqliteSignInTests() : SignInTests(DomainDbProvider.Sqlite);

public sealed class PostgresSignInTests() : SignInTests(DomainDbProvider.Postgres);
