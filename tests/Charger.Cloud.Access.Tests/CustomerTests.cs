using System.Net;
using System.Net.Http.Json;
using System.Text;
using Charger.Cloud.AfterSales;
using Charger.Cloud.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Charger.Cloud.Access.Tests;

/// <summary>Customers' personal data: encrypted at rest, clear only for supervisor and service specialist, every clear read audited.</summary>
public abstract class CustomerTests(DomainDbProvider provider) : IAsyncLifetime
{
    private const string Phone = "13812345678";
    private const string Email = "zhang.wei@example.com";
    private const string Person = "Zhang Wei";
    private const string Address = "88 Century Avenue, Pudong, Shanghai";

    private AccessHost _host = null!;

    public async Task InitializeAsync() => _host = await AccessHost.CreateAsync(provider);

    public Task DisposeAsync() => _host.DeleteAsync();

    private async Task<string> CreateCustomerAsync(HttpClient specialist)
    {
        using var created = await specialist.PostAsJsonAsync("/api/v1/customers",
            new { name = "Sunrise Parking Ltd.", tier = "Priority", contactPerson = Person, phone = Phone, email = Email, address = Address, notes = "gate code at the booth" });
        var body = await created.JsonAsync(HttpStatusCode.Created);
        Assert.Equal("clear", body.GetProperty("personalData").GetString());
        return body.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Personal_data_is_clear_for_supervisor_and_service_specialist_and_masked_for_the_other_roles()
    {
        using var specialist = await _host.UserAsync(Roles.ServiceSpecialist);
        var id = await CreateCustomerAsync(specialist);

        foreach (var role in new[] { Roles.Supervisor, Roles.ServiceSpecialist })
        {
            using var client = role == Roles.ServiceSpecialist ? null : await _host.UserAsync(role);
            var customer = await (client ?? specialist).GetJsonAsync($"/api/v1/customers/{id}");
            Assert.Equal(("clear", Person, Phone, Email, Address),
                (customer.GetProperty("personalData").GetString(), customer.GetProperty("contactPerson").GetString(), customer.GetProperty("phone").GetString(),
                 customer.GetProperty("email").GetString(), customer.GetProperty("address").GetString()));
        }

        foreach (var role in new[] { Roles.Auditor, Roles.RepairEngineer, Roles.TechnicalSupport, Roles.Admin })
        {
            using var client = role == Roles.Admin ? await _host.AdminAsync() : await _host.UserAsync(role);
            var customer = await client.GetJsonAsync($"/api/v1/customers/{id}");
            Assert.Equal(("masked", "Z**", "138****5678", "z***@example.com", "88 Cen****"),
                (customer.GetProperty("personalData").GetString(), customer.GetProperty("contactPerson").GetString(), customer.GetProperty("phone").GetString(),
                 customer.GetProperty("email").GetString(), customer.GetProperty("address").GetString()));
            Assert.Equal("Priority", customer.GetProperty("tier").GetString());
        }

        var list = await specialist.GetJsonAsync("/api/v1/customers");
        var listed = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(("masked", "138****5678"), (listed.GetProperty("personalData").GetString(), listed.GetProperty("phone").GetString()));
    }

    [Fact]
    public async Task Every_clear_read_of_personal_data_is_audited_with_the_reader_and_masked_reads_are_not()
    {
        using var specialist = await _host.UserAsync(Roles.ServiceSpecialist, "svc-liu");
        using var auditor = await _host.UserAsync(Roles.Auditor, "aud-sun");
        var id = await CreateCustomerAsync(specialist);

        await specialist.GetJsonAsync($"/api/v1/customers/{id}");
        await specialist.GetJsonAsync($"/api/v1/customers/{id}");
        await auditor.GetJsonAsync($"/api/v1/customers/{id}");

        var audit = await auditor.GetJsonAsync($"/api/v1/audit?entityType=customer&entityId={id}&action=customer.read-personal-data");
        var reads = audit.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, reads.Count);
        Assert.All(reads, r => Assert.Equal(("svc-liu", "service-specialist"), (r.GetProperty("actorId").GetString(), r.GetProperty("actorRole").GetString())));
        var all = await auditor.GetJsonAsync($"/api/v1/audit?entityType=customer&entityId={id}");
        Assert.DoesNotContain(all.GetProperty("items").EnumerateArray(), e => (e.GetProperty("detail").GetString() ?? string.Empty).Contains("1381234", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Contact_data_is_encrypted_in_the_database_and_only_the_ciphertext_is_stored()
    {
        using var specialist = await _host.UserAsync(Roles.ServiceSpecialist);
        var id = await CreateCustomerAsync(specialist);
        var keyId = _host.Services.GetRequiredService<PersonalDataKeyring>().CurrentKeyId;

        if (_host.Postgres is { } postgres)
        {
            await using var connection = new NpgsqlConnection(postgres.Database.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""SELECT "ContactPerson", "Phone", "Email", "Address", "Name" FROM customers WHERE "CustomerId" = @id""", connection);
            command.Parameters.AddWithValue("id", id);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            var raw = string.Join("\n", Enumerable.Range(0, 4).Select(reader.GetString));
            Assert.Equal("Sunrise Parking Ltd.", reader.GetString(4));
            AssertCiphertext(raw, keyId);
        }
        else
        {
            await _host.DisposeAsync();
            SqliteConnection.ClearAllPools();
            var bytes = (await File.ReadAllBytesAsync(_host.SqliteFile)).Concat(File.Exists(_host.SqliteFile + "-wal") ? await File.ReadAllBytesAsync(_host.SqliteFile + "-wal") : []).ToArray();
            var raw = Encoding.UTF8.GetString(bytes);
            Assert.Contains("Sunrise Parking Ltd.", raw, StringComparison.Ordinal);
            AssertCiphertext(raw, keyId);
        }
    }

    private static void AssertCiphertext(string raw, string keyId)
    {
        foreach (var clear in new[] { Phone, Email, Person, Address, "5678", "zhang.wei", "Century Avenue" })
        {
            Assert.DoesNotContain(clear, raw, StringComparison.Ordinal);
        }

        Assert.Contains(keyId + ":", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chargers_are_assigned_to_one_customer_and_the_directory_finds_the_owner_without_personal_data()
    {
        using var supervisor = await _host.UserAsync(Roles.Supervisor);
        var first = await CreateCustomerAsync(supervisor);
        using var other = await supervisor.PostAsJsonAsync("/api/v1/customers", new { id = "C-OTHER", name = "Other", tier = "Strategic" });
        await other.JsonAsync(HttpStatusCode.Created);

        Assert.Equal(HttpStatusCode.NoContent, (await supervisor.PutAsync(new Uri($"/api/v1/customers/{first}/chargers/CP-1", UriKind.Relative), null)).StatusCode);
        using (var taken = await supervisor.PutAsync(new Uri("/api/v1/customers/C-OTHER/chargers/CP-1", UriKind.Relative), null))
        {
            Assert.Contains(first, (await taken.JsonAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var directory = _host.Services.GetRequiredService<ICustomerDirectory>();
        Assert.Equal(new CustomerSummary(first, "Sunrise Parking Ltd.", CustomerTier.Priority), await directory.FindByChargerAsync("CP-1", CancellationToken.None));
        Assert.Equal(["CP-1"], (await supervisor.GetJsonAsync($"/api/v1/customers/{first}")).GetProperty("chargers").EnumerateArray().Select(c => c.GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await supervisor.DeleteAsync(new Uri($"/api/v1/customers/{first}/chargers/CP-1", UriKind.Relative))).StatusCode);
        Assert.Null(await directory.FindByChargerAsync("CP-1", CancellationToken.None));
        Assert.Equal(new CustomerSummary("C-OTHER", "Other", CustomerTier.Strategic), await directory.FindAsync("C-OTHER", CancellationToken.None));
    }

    [Fact]
    public async Task Updating_a_customer_re_encrypts_and_names_the_wrong_field()
    {
        using var specialist = await _host.UserAsync(Roles.ServiceSpecialist);
        var id = await CreateCustomerAsync(specialist);

        using (var bad = await specialist.PutAsJsonAsync($"/api/v1/customers/{id}", new { name = "Sunrise", tier = "Gold" }))
        {
            Assert.True((await bad.JsonAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("tier", out _));
        }

        using (var badPhone = await specialist.PutAsJsonAsync($"/api/v1/customers/{id}", new { name = "Sunrise", tier = "Standard", phone = "call me" }))
        {
            Assert.True((await badPhone.JsonAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("phone", out _));
        }

        using var updated = await specialist.PutAsJsonAsync($"/api/v1/customers/{id}", new { name = "Sunrise Parking", tier = "Strategic", phone = "13900001111", contactPerson = Person });
        var body = await updated.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(("Strategic", "13900001111", true), (body.GetProperty("tier").GetString(), body.GetProperty("phone").GetString(), body.GetProperty("email").ValueKind == System.Text.Json.JsonValueKind.Null));
        var reread = await specialist.GetJsonAsync($"/api/v1/customers/{id}");
        Assert.Equal("13900001111", reread.GetProperty("phone").GetString());
    }
}

public sealed class SqliteCustomerTests() : CustomerTests(DomainDbProvider.Sqlite);

public sealed class PostgresCustomerTests() : CustomerTests(DomainDbProvider.Postgres);
