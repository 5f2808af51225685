using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Charger.Cloud.Access.Data;
using Charger.Cloud.AfterSales;
using Charger.Cloud.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Access;

/// <summary>What a sign-in attempt came to.</summary>
public enum SignInOutcome
{
    Succeeded,
    WrongCredentials,
    Disabled,
    LockedOut,
}

/// <summary>The result of <see cref="UserStore.SignInAsync"/>.</summary>
public sealed record SignInResult(SignInOutcome Outcome, StaffMember? User, DateTimeOffset? LockedUntil);

/// <summary>A change refused because of the state of the data (answered 404 or 409 by the API).</summary>
public sealed class AccessConflictException(string message, bool notFound = false) : Exception(message)
{
    public bool NotFound { get; } = notFound;
}

/// <summary>
/// The users of the service organisation: passwords hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>
/// (PBKDF2), lockout after repeated failures, every change written to the audit log in the same transaction.
/// Also the <see cref="IStaffDirectory"/> of the other areas.
/// </summary>
public sealed partial class UserStore : IStaffDirectory
{
    /// <summary>Characters of generated passwords (no look-alikes such as 0/O, 1/l).</summary>
    private const string PasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    public const int MinPasswordLength = 12;
    public const int MaxPasswordLength = 200;

    private static readonly PasswordHasher<UserRow> Hasher = new();
    private static readonly string DummyHash = Hasher.HashPassword(null!, "not-a-password-" + Guid.NewGuid());

    private readonly IDomainDbFactory<AccessDb> _db;
    private readonly TimeProvider _time;
    private readonly IOptions<AccessOptions> _options;

    public UserStore(IDomainDbFactory<AccessDb> db, TimeProvider time, IOptions<AccessOptions> options)
    {
        _db = db;
        _time = time;
        _options = options;
    }

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9._-]{0,63}\z")]
    private static partial Regex UserIdPattern();

    /// <summary>True for a valid login name: lower-case letters, digits, '.', '_' and '-', 1-64 characters, starting with a letter or digit.</summary>
    public static bool IsValidUserId(string? userId) => userId is not null && UserIdPattern().IsMatch(userId);

    /// <summary>A new random password of 20 characters (about 116 bits).</summary>
    public static string GeneratePassword() => RandomNumberGenerator.GetString(PasswordAlphabet, 20);

    /// <summary>Why a password is not acceptable, or null when it is.</summary>
    public static string? CheckPassword(string password) =>
        password.Length < MinPasswordLength ? $"must be at least {MinPasswordLength} characters"
        : password.Length > MaxPasswordLength ? $"must be at most {MaxPasswordLength} characters"
        : null;

    /// <inheritdoc />
    public async Task<StaffMember?> FindAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        var row = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserId == userId, cancellationToken);
        return row is null ? null : ToMember(row);
    }

    /// <summary>
    /// Runs <paramref name="read"/> on the users the filters select (null matches any; unsorted: the list endpoint sorts
    /// and pages them), on a context of its own that ends when it returns.
    /// </summary>
    public async Task<T> QueryAsync<T>(string? role, string? team, bool? active, Func<IQueryable<UserRow>, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        await using var db = _db.Create();
        var query = db.Users.AsNoTracking();
        if (role is not null)
        {
            query = query.Where(u => u.Role == role);
        }

        if (team is not null)
        {
            query = query.Where(u => u.Team == team);
        }

        if (active is { } a)
        {
            query = query.Where(u => u.Active == a);
        }

        return await read(query);
    }

    /// <summary>True when at least one user exists.</summary>
    public async Task<bool> AnyAsync(CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        return await db.Users.AnyAsync(cancellationToken);
    }

    /// <summary>
    /// Checks a password. Failures count towards the lockout (<see cref="AccessOptions.MaxFailedSignIns"/> in a row lock the
    /// account for <see cref="AccessOptions.LockoutMinutes"/>); every attempt is audited, never with the password.
    /// An unknown user costs the same hashing time as a known one.
    /// </summary>
    public async Task<SignInResult> SignInAsync(string userId, string password, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await using var db = _db.Create();
        var user = IsValidUserId(userId) ? await db.Users.FirstOrDefaultAsync(u => u.UserId == userId, cancellationToken) : null;
        var attempt = new Actor(AuditLog.Clip(userId, 64), AuditLog.Clip(userId, 200), "anonymous");
        if (user is null)
        {
            Hasher.VerifyHashedPassword(null!, DummyHash, password);
            db.AuditLog.Add(AuditLog.ToRow(new AuditEntry(now, attempt, "auth.sign-in-failed", "user", userId, "unknown user")));
            await db.SaveChangesAsync(cancellationToken);
            return new SignInResult(SignInOutcome.WrongCredentials, null, null);
        }

        if (user.LockedUntil is { } until && until > now)
        {
            db.AuditLog.Add(AuditLog.ToRow(new AuditEntry(now, attempt, "auth.sign-in-locked", "user", userId, $"locked until {until:O}")));
            await db.SaveChangesAsync(cancellationToken);
            return new SignInResult(SignInOutcome.LockedOut, null, until);
        }

        var verified = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verified == PasswordVerificationResult.Failed)
        {
            user.FailedSignIns++;
            string detail;
            DateTimeOffset? lockedUntil = null;
            if (user.FailedSignIns >= _options.Value.MaxFailedSignIns)
            {
                lockedUntil = now.AddMinutes(_options.Value.LockoutMinutes);
                user.LockedUntil = lockedUntil;
                detail = $"wrong password ({user.FailedSignIns} in a row): locked until {lockedUntil:O}";
                user.FailedSignIns = 0;
            }
            else
            {
                detail = $"wrong password ({user.FailedSignIns} in a row)";
            }

            db.AuditLog.Add(AuditLog.ToRow(new AuditEntry(now, attempt, lockedUntil is null ? "auth.sign-in-failed" : "auth.locked-out", "user", userId, detail)));
            await db.SaveChangesAsync(cancellationToken);
            return new SignInResult(lockedUntil is null ? SignInOutcome.WrongCredentials : SignInOutcome.LockedOut, null, lockedUntil);
        }

        if (!user.Active)
        {
            db.AuditLog.Add(AuditLog.ToRow(new AuditEntry(now, attempt, "auth.sign-in-refused", "user", userId, "user is disabled")));
            await db.SaveChangesAsync(cancellationToken);
            return new SignInResult(SignInOutcome.Disabled, null, null);
        }

        if (verified == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = Hasher.HashPassword(user, password);
        }

        user.FailedSignIns = 0;
        user.LockedUntil = null;
        var member = ToMember(user);
        db.AuditLog.Add(AuditLog.ToRow(new AuditEntry(now, ToActor(member), "auth.sign-in", "user", userId)));
        await db.SaveChangesAsync(cancellationToken);
        return new SignInResult(SignInOutcome.Succeeded, member, null);
    }

    /// <summary>Creates a user; a null <paramref name="password"/> generates one. Returns the user and the password set.</summary>
    /// <exception cref="AccessConflictException">The id is taken.</exception>
    public async Task<(StaffMember User, string Password)> CreateAsync(
        Actor actor, string userId, string displayName, string role, string? team, string? password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var now = _time.GetUtcNow();
        password ??= GeneratePassword();
        var row = new UserRow
        {
            UserId = userId, DisplayName = displayName, Role = role, Team = team, Active = true, PasswordHash = string.Empty,
            CreatedAt = now, PasswordChangedAt = now,
        };
        row.PasswordHash = Hasher.HashPassword(row, password);
        await using var db = _db.Create();
        if (await db.Users.AnyAsync(u => u.UserId == userId, cancellationToken))
        {
            throw new AccessConflictException($"A user '{userId}' already exists.");
        }

        db.Users.Add(row);
        db.AuditLog.Add(AuditLog.ToRow(new AuditEntry(now, actor, "user.create", "user", userId, $"role {role}, team {team ?? "-"}")));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new AccessConflictException($"A user '{userId}' already exists.");
        }

        return (ToMember(row), password);
    }

    /// <summary>Changes display name, role, team or active (each when not null).</summary>
    public async Task<StaffMember> UpdateAsync(
        Actor actor, string userId, string? displayName, string? role, string? team, bool? active, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = _db.Create();
        var row = await db.Users.FirstOrDefaultAsync(u => u.UserId == userId, cancellationToken)
            ?? throw new AccessConflictException($"No user '{userId}'.", notFound: true);
        var changes = new List<string>();
        if (displayName is not null && displayName != row.DisplayName)
        {
            changes.Add("display name");
            row.DisplayName = displayName;
        }

        if (role is not null && role != row.Role)
        {
            changes.Add($"role {row.Role} -> {role}");
            row.Role = role;
        }

        if (team is not null && team != (row.Team ?? string.Empty))
        {
            changes.Add($"team {row.Team ?? "-"} -> {(team.Length == 0 ? "-" : team)}");
            row.Team = team.Length == 0 ? null : team;
        }

        var staysActiveAdmin = row.Active && row.Role == Roles.Admin && (role ?? row.Role) == Roles.Admin && (active ?? true);
        if (row.Active && row.Role == Roles.Admin && !staysActiveAdmin
            && !await db.Users.AnyAsync(u => u.UserId != userId && u.Active && u.Role == Roles.Admin, cancellationToken))
        {
            throw new AccessConflictException($"'{userId}' is the last active admin: create or enable another admin first.");
        }

        if (active is { } a && a != row.Active)
        {
            changes.Add(a ? "enabled" : "disabled");
            row.Active = a;
        }

        if (changes.Count > 0)
        {
            var action = active == false && changes.Contains("disabled") ? "user.disable" : active == true && changes.Contains("enabled") ? "user.enable" : "user.update";
            db.AuditLog.Add(AuditLog.ToRow(new AuditEntry(_time.GetUtcNow(), actor, action, "user", userId, string.Join("; ", changes))));
            await db.SaveChangesAsync(cancellationToken);
        }

        return ToMember(row);
    }

    /// <summary>Sets a new password (generated when null), lifts a lockout. Returns the password set.</summary>
    public async Task<string> ResetPasswordAsync(Actor actor, string userId, string? password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        password ??= GeneratePassword();
        var now = _time.GetUtcNow();
        await using var db = _db.Create();
        var row = await db.Users.FirstOrDefaultAsync(u => u.UserId == userId, cancellationToken)
            ?? throw new AccessConflictException($"No user '{userId}'.", notFound: true);
        row.PasswordHash = Hasher.HashPassword(row, password);
        row.PasswordChangedAt = now;
        row.FailedSignIns = 0;
        row.LockedUntil = null;
        db.AuditLog.Add(AuditLog.ToRow(new AuditEntry(now, actor, actor.UserId == userId ? "user.change-password" : "user.reset-password", "user", userId)));
        await db.SaveChangesAsync(cancellationToken);
        return password;
    }

    /// <summary>True when <paramref name="password"/> is the user's current password (no lockout counting: the caller is signed in).</summary>
    public async Task<bool> CheckCurrentPasswordAsync(string userId, string password, CancellationToken cancellationToken)
    {
        await using var db = _db.Create();
        var row = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserId == userId, cancellationToken);
        return row is not null && Hasher.VerifyHashedPassword(row, row.PasswordHash, password) != PasswordVerificationResult.Failed;
    }

    /// <summary>
    /// Creates the first administrator when no user exists, in one transaction; false when a user already existed
    /// (another receiver or an earlier start created it). Unique ids make a concurrent second insert fail, which counts as existing.
    /// </summary>
    internal async Task<bool> TryCreateFirstAdminAsync(string userId, string password, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await using var db = _db.Create();
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.Users.AnyAsync(cancellationToken))
        {
            return false;
        }

        var row = new UserRow
        {
            UserId = userId, DisplayName = "Administrator", Role = Roles.Admin, Active = true, PasswordHash = string.Empty,
            CreatedAt = now, PasswordChangedAt = now,
        };
        row.PasswordHash = Hasher.HashPassword(row, password);
        db.Users.Add(row);
        db.AuditLog.Add(AuditLog.ToRow(new AuditEntry(now, Actor.System, "user.create", "user", userId, "first-run administrator, password generated")));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
    }

    internal static StaffMember ToMember(UserRow row) => new(row.UserId, row.DisplayName, row.Role, row.Team, row.Active);

    internal static Actor ToActor(StaffMember member) => new(member.UserId, member.DisplayName, member.Role);
}
