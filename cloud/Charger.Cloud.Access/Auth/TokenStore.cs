using System.Security.Cryptography;
using System.Text;
using Charger.Cloud.Access.Data;
using Charger.Cloud.AfterSales;
using Charger.Cloud.Data;
using Microsoft.EntityFrameworkCore;

namespace Charger.Cloud.Access;

/// <summary>An API token as listed (never the token itself).</summary>
public sealed record TokenInfo(
    string Id, string Name, string UserId, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt);

/// <summary>
/// API tokens: <c>chg_</c> and 32 random bytes in base64url, shown once; only their SHA-256 is stored. A token acts as its
/// owner, with the owner's current role, and is refused once revoked, expired, or when its owner is disabled.
/// </summary>
public sealed class TokenStore
{
    public const string Prefix = "chg_";

    private readonly IDomainDbFactory<AccessDb> _db;
    private readonly TimeProvider _time;

    public TokenStore(IDomainDbFactory<AccessDb> db, TimeProvider time)
    {
        _db = db;
        _time = time;
    }

    /// <summary>The stored form of a token: lower-case hex SHA-256 of its UTF-8 bytes.</summary>
    public static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Creates a token for <paramref name="ownerId"/>; returns its info and the token (the only time it is seen).</summary>
    public async Task<(TokenInfo Info, string Token)> CreateAsync(Actor actor, string ownerId, string name, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var now = _time.GetUtcNow();
        var token = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var row = new TokenRow
        {
            TokenId = "tok_" + Base64Url(RandomNumberGenerator.GetBytes(9)),
            Name = name,
            UserId = ownerId,
            CreatedBy = actor.UserId,
            Hash = HashOf(token),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        await using var db = _db.Create();
        if (!await db.Users.AnyAsync(u => u.UserId == ownerId, cancellationToken))
        {
            throw new AccessConflictException($"No user '{ownerId}'.", notFound: true);
        }

        db.Tokens.Add(row);
        db.AuditLog.Add(AuditLog.ToRow(new AuditEntry(now, actor, "token.create", "token", row.TokenId, $"'{name}' for {ownerId}, expires {row.ExpiresAt:O}")));
        await db.SaveChangesAsync(cancellationToken);
        return (ToInfo(row), token);
    }

    /// <summary>Tokens of one user, or of everyone when <paramref name="ownerId"/> is null; newest first.</summary>
    public async Task<IReadOnlyList<TokenInfo>> ListAsync(string? ownerId, CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        var query = db.Tokens.AsNoTracking();
        if (ownerId is not null)
        {
            query = query.Where(t => t.UserId == ownerId);
        }

        var rows = await query.OrderByDescending(t => t.CreatedAt).ThenBy(t => t.TokenId).ToListAsync(cancellationToken);
        return rows.Select(ToInfo).ToList();
    }

    /// <summary>Revokes a token. <paramref name="ownerId"/>, when given, must own it (else it is reported as not found).</summary>
    public async Task<TokenInfo> RevokeAsync(Actor actor, string tokenId, string? ownerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = _db.Create();
        var row = await db.Tokens.FirstOrDefaultAsync(t => t.TokenId == tokenId, cancellationToken);
        if (row is null || (ownerId is not null && row.UserId != ownerId))
        {
            throw new AccessConflictException($"No token '{tokenId}'.", notFound: true);
        }

        if (row.RevokedAt is null)
        {
            var now = _time.GetUtcNow();
            row.RevokedAt = now;
            db.AuditLog.Add(AuditLog.ToRow(new AuditEntry(now, actor, "token.revoke", "token", tokenId, $"'{row.Name}' of {row.UserId}")));
            await db.SaveChangesAsync(cancellationToken);
        }

        return ToInfo(row);
    }

    /// <summary>The owner of a valid token, or the reason it is refused.</summary>
    public async Task<(StaffMember? User, string? TokenId, string? Refusal)> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 100)
        {
            return (null, null, "not a token of this server");
        }

        var hash = HashOf(token);
        await using var db = _db.Create();
        var found = await db.Tokens.AsNoTracking().Where(t => t.Hash == hash)
            .Join(db.Users.AsNoTracking(), t => t.UserId, u => u.UserId, (t, u) => new { Token = t, User = u })
            .FirstOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return (null, null, "unknown token");
        }

        if (found.Token.RevokedAt is not null)
        {
            return (null, found.Token.TokenId, "token revoked");
        }

        if (found.Token.ExpiresAt <= _time.GetUtcNow())
        {
            return (null, found.Token.TokenId, "token expired");
        }

        if (!found.User.Active)
        {
            return (null, found.Token.TokenId, "owner disabled");
        }

        return (UserStore.ToMember(found.User), found.Token.TokenId, null);
    }

    private static TokenInfo ToInfo(TokenRow row) => new(row.TokenId, row.Name, row.UserId, row.CreatedBy, row.CreatedAt, row.ExpiresAt, row.RevokedAt);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
