using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Charger.Cloud.Access.Data;
using Charger.Cloud.AfterSales;
using Charger.Cloud.Data;
using Microsoft.EntityFrameworkCore;

namespace Charger.Cloud.Access;

/// <summary>A customer's contact data (personal data), in clear.</summary>
public sealed record ContactData(string? ContactPerson, string? Phone, string? Email, string? Address);

/// <summary>A customer with its contact data either in clear or masked, and its chargers.</summary>
public sealed record Customer(
    string CustomerId, string Name, CustomerTier Tier, ContactData Contact, bool Masked, string? Notes, IReadOnlyList<string> Chargers,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// Customers (the policy's 客户信息管理): contact person, phone, e-mail and address encrypted at rest with
/// <see cref="PersonalDataKeyring"/>; read in clear only through <see cref="GetAsync"/> with <c>clear: true</c>, which
/// audits the read (<c>customer.read-personal-data</c>) before returning. Also the <see cref="ICustomerDirectory"/>
/// of the other areas (no personal data).
/// </summary>
public sealed partial class CustomerStore : ICustomerDirectory
{
    private const string IdAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private readonly IDomainDbFactory<AccessDb> _db;
    private readonly PersonalDataKeyring _keys;
    private readonly TimeProvider _time;

    public CustomerStore(IDomainDbFactory<AccessDb> db, PersonalDataKeyring keys, TimeProvider time)
    {
        _db = db;
        _keys = keys;
        _time = time;
    }

    [GeneratedRegex(@"\A[A-Za-z0-9._-]{1,64}\z")]
    private static partial Regex IdPattern();

    /// <summary>True for a customer or charger id: 1-64 of A-Z, a-z, 0-9, '.', '_', '-'.</summary>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <inheritdoc />
    public async Task<CustomerSummary?> FindAsync(string customerId, CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        return await db.Customers.AsNoTracking().Where(c => c.CustomerId == customerId)
            .Select(c => new CustomerSummary(c.CustomerId, c.Name, c.Tier)).FirstOrDefaultAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<CustomerSummary?> FindByChargerAsync(string chargerId, CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        return await db.CustomerChargers.AsNoTracking().Where(cc => cc.ChargerId == chargerId)
            .Join(db.Customers.AsNoTracking(), cc => cc.CustomerId, c => c.CustomerId, (cc, c) => new CustomerSummary(c.CustomerId, c.Name, c.Tier))
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Customers ordered by id after <paramref name="after"/>, contact data masked.</summary>
    public async Task<IReadOnlyList<Customer>> ListAsync(CustomerTier? tier, string? after, int limit, CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        var query = db.Customers.AsNoTracking();
        if (tier is { } t)
        {
            query = query.Where(c => c.Tier == t);
        }

        if (after is not null)
        {
            query = query.Where(c => string.Compare(c.CustomerId, after) > 0);
        }

        var rows = await query.OrderBy(c => c.CustomerId).Take(limit).ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.CustomerId).ToList();
        var chargers = (await db.CustomerChargers.AsNoTracking().Where(cc => ids.Contains(cc.CustomerId)).ToListAsync(cancellationToken))
            .ToLookup(cc => cc.CustomerId, cc => cc.ChargerId, StringComparer.Ordinal);
        return rows.Select(r => ToCustomer(r, chargers[r.CustomerId].Order(StringComparer.Ordinal).ToList(), clear: false)).ToList();
    }

    /// <summary>
    /// One customer, or null. With <paramref name="clear"/> the contact data is decrypted and the read is audited as
    /// <c>customer.read-personal-data</c> by <paramref name="actor"/> before anything is returned; otherwise it is masked.
    /// </summary>
    public async Task<Customer?> GetAsync(Actor actor, string customerId, bool clear, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = _db.Create();
        var row = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.CustomerId == customerId, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var chargers = await ChargersOfAsync(db, customerId, cancellationToken);
        var customer = ToCustomer(row, chargers, clear);
        if (clear)
        {
            db.AuditLog.Add(AuditLog.ToRow(new AuditEntry(_time.GetUtcNow(), actor, "customer.read-personal-data", "customer", customerId,
                "contact person, phone, e-mail, address read in clear")));
            await db.SaveChangesAsync(cancellationToken);
        }

        return customer;
    }

    /// <summary>Creates a customer (id generated when null); audited without personal data.</summary>
    public async Task<Customer> CreateAsync(
        Actor actor, string? customerId, string name, CustomerTier tier, ContactData contact, string? notes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(contact);
        var now = _time.GetUtcNow();
        var id = customerId ?? "C-" + RandomNumberGenerator.GetString(IdAlphabet, 8);
        var row = new CustomerRow { CustomerId = id, Name = name, Tier = tier, KeyId = _keys.CurrentKeyId, Notes = notes, CreatedAt = now, UpdatedAt = now };
        Seal(row, contact);
        await using var db = _db.Create();
        if (await db.Customers.AnyAsync(c => c.CustomerId == id, cancellationToken))
        {
            throw new AccessConflictException($"A customer '{id}' already exists.");
        }

        db.Customers.Add(row);
        db.AuditLog.Add(AuditLog.ToRow(new AuditEntry(now, actor, "customer.create", "customer", id, $"'{name}', tier {tier}")));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new AccessConflictException($"A customer '{id}' already exists.");
        }

        return ToCustomer(row, [], clear: true);
    }

    /// <summary>Replaces a customer's name, tier, contact data and notes (re-encrypted with the current key); audited with the fields changed, never their values.</summary>
    public async Task<Customer> UpdateAsync(
        Actor actor, string customerId, string name, CustomerTier tier, ContactData contact, string? notes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(contact);
        await using var db = _db.Create();
        var row = await db.Customers.FirstOrDefaultAsync(c => c.CustomerId == customerId, cancellationToken)
            ?? throw new AccessConflictException($"No customer '{customerId}'.", notFound: true);
        var before = Open(row);
        var changed = new List<string>();
        if (row.Name != name)
        {
            changed.Add("name");
        }

        if (row.Tier != tier)
        {
            changed.Add($"tier {row.Tier} -> {tier}");
        }

        if (before.ContactPerson != contact.ContactPerson)
        {
            changed.Add("contact person");
        }

        if (before.Phone != contact.Phone)
        {
            changed.Add("phone");
        }

        if (before.Email != contact.Email)
        {
            changed.Add("e-mail");
        }

        if (before.Address != contact.Address)
        {
            changed.Add("address");
        }

        if (row.Notes != notes)
        {
            changed.Add("notes");
        }

        var now = _time.GetUtcNow();
        row.Name = name;
        row.Tier = tier;
        row.Notes = notes;
        row.KeyId = _keys.CurrentKeyId;
        row.UpdatedAt = now;
        Seal(row, contact);
        db.AuditLog.Add(AuditLog.ToRow(new AuditEntry(now, actor, "customer.update", "customer", customerId,
            changed.Count == 0 ? "no change (re-encrypted)" : string.Join("; ", changed))));
        await db.SaveChangesAsync(cancellationToken);
        return ToCustomer(row, await ChargersOfAsync(db, customerId, cancellationToken), clear: true);
    }

    /// <summary>Records that <paramref name="customerId"/> owns <paramref name="chargerId"/>; a charger owned by another customer is a conflict.</summary>
    public async Task AssignChargerAsync(Actor actor, string customerId, string chargerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = _db.Create();
        if (!await db.Customers.AnyAsync(c => c.CustomerId == customerId, cancellationToken))
        {
            throw new AccessConflictException($"No customer '{customerId}'.", notFound: true);
        }

        var existing = await db.CustomerChargers.FirstOrDefaultAsync(cc => cc.ChargerId == chargerId, cancellationToken);
        if (existing is not null)
        {
            if (existing.CustomerId == customerId)
            {
                return;
            }

            throw new AccessConflictException($"Charger '{chargerId}' belongs to customer '{existing.CustomerId}': unassign it there first.");
        }

        var now = _time.GetUtcNow();
        db.CustomerChargers.Add(new CustomerChargerRow { ChargerId = chargerId, CustomerId = customerId, AssignedAt = now });
        db.AuditLog.Add(AuditLog.ToRow(new AuditEntry(now, actor, "customer.assign-charger", "customer", customerId, $"charger {chargerId}")));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new AccessConflictException($"Charger '{chargerId}' was assigned to another customer at the same time.");
        }
    }

    /// <summary>Removes a charger from a customer.</summary>
    public async Task UnassignChargerAsync(Actor actor, string customerId, string chargerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = _db.Create();
        var existing = await db.CustomerChargers.FirstOrDefaultAsync(cc => cc.ChargerId == chargerId && cc.CustomerId == customerId, cancellationToken)
            ?? throw new AccessConflictException($"Charger '{chargerId}' is not assigned to customer '{customerId}'.", notFound: true);
        db.CustomerChargers.Remove(existing);
        db.AuditLog.Add(AuditLog.ToRow(new AuditEntry(_time.GetUtcNow(), actor, "customer.unassign-charger", "customer", customerId, $"charger {chargerId}")));
        await db.SaveChangesAsync(cancellationToken);
    }

    private static async Task<List<string>> ChargersOfAsync(AccessDb db, string customerId, CancellationToken cancellationToken) =>
        (await db.CustomerChargers.AsNoTracking().Where(cc => cc.CustomerId == customerId).Select(cc => cc.ChargerId).ToListAsync(cancellationToken))
            .Order(StringComparer.Ordinal).ToList();

    private Customer ToCustomer(CustomerRow row, IReadOnlyList<string> chargers, bool clear)
    {
        var contact = Open(row);
        if (!clear)
        {
            contact = new ContactData(Masking.Name(contact.ContactPerson), Masking.Phone(contact.Phone), Masking.Email(contact.Email), Masking.Address(contact.Address));
        }

        return new Customer(row.CustomerId, row.Name, row.Tier, contact, !clear, row.Notes, chargers, row.CreatedAt, row.UpdatedAt);
    }

    private void Seal(CustomerRow row, ContactData contact)
    {
        row.ContactPerson = _keys.Encrypt(contact.ContactPerson, Context(row.CustomerId, "contactPerson"));
        row.Phone = _keys.Encrypt(contact.Phone, Context(row.CustomerId, "phone"));
        row.Email = _keys.Encrypt(contact.Email, Context(row.CustomerId, "email"));
        row.Address = _keys.Encrypt(contact.Address, Context(row.CustomerId, "address"));
    }

    private ContactData Open(CustomerRow row) => new(
        _keys.Decrypt(row.ContactPerson, Context(row.CustomerId, "contactPerson")),
        _keys.Decrypt(row.Phone, Context(row.CustomerId, "phone")),
        _keys.Decrypt(row.Email, Context(row.CustomerId, "email")),
        _keys.Decrypt(row.Address, Context(row.CustomerId, "address")));

    private static string Context(string customerId, string field) => $"customer/{customerId}/{field}";
}

/// <summary>How personal data is shown to roles that may not read it in clear.</summary>
public static class Masking
{
    /// <summary>
    /// <c>13812345678</c> -> <c>138****5678</c> (11 characters or more: the first three and the last four); shorter numbers
    /// show at most their last four characters and never more than half of them: <c>12345678</c> -> <c>****5678</c>,
    /// <c>123456</c> -> <c>****56</c>.
    /// </summary>
    public static string? Phone(string? phone)
    {
        if (phone is null)
        {
            return null;
        }

        if (phone.Length >= 11)
        {
            return phone[..3] + new string('*', phone.Length - 7) + phone[^4..];
        }

        var hidden = Math.Max(4, (phone.Length + 1) / 2);
        var shown = Math.Clamp(phone.Length - hidden, 0, 4);
        return new string('*', phone.Length - shown) + phone[(phone.Length - shown)..];
    }

    /// <summary><c>zhang@example.com</c> -> <c>z***@example.com</c>.</summary>
    public static string? Email(string? email)
    {
        if (email is null)
        {
            return null;
        }

        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at <= 0 ? "***" : email[..1] + "***" + email[at..];
    }

    /// <summary>The first character and <c>**</c>: <c>Zhang Wei</c> -> <c>Z**</c>.</summary>
    public static string? Name(string? name) => name is null ? null : name.Length == 0 ? string.Empty : name[..1] + "**";

    /// <summary>The first six characters (roughly the city) and <c>****</c>.</summary>
    public static string? Address(string? address) => address is null ? null : (address.Length <= 6 ? string.Empty : address[..6]) + "****";
}
