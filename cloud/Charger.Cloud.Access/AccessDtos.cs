using System.Text.Json;
using System.Text.Json.Serialization;
using Charger.Cloud.AfterSales;

namespace Charger.Cloud.Access;

/// <summary>Sign-in with a user id and password.</summary>
public sealed record SignInRequest(string? UserId, string? Password);

/// <summary>The signed-in user; <paramref name="AuthenticatedBy"/> is <c>cookie</c> or <c>token:{id}</c>.</summary>
public sealed record MeDto(string UserId, string DisplayName, string Role, string? Team, string AuthenticatedBy);

/// <summary>A user as listed (no password hash).</summary>
public sealed record UserDto(string UserId, string DisplayName, string Role, string? Team, bool Active)
{
    public static UserDto From(StaffMember m) => new(m.UserId, m.DisplayName, m.Role, m.Team, m.Active);
}

/// <summary>A new user; without <paramref name="Password"/> one is generated and answered once.</summary>
public sealed record CreateUserRequest(string? UserId, string? DisplayName, string? Role, string? Team, string? Password);

/// <summary>The created user and, when it was generated, the password (shown this once).</summary>
public sealed record CreatedUserDto(UserDto User, string? Password);

/// <summary>Changes to a user; absent fields stay as they are; <c>team: ""</c> removes the team; <c>active: false</c> disables.</summary>
public sealed record UpdateUserRequest(string? DisplayName, string? Role, string? Team, bool? Active);

/// <summary>A password reset; without <paramref name="Password"/> one is generated.</summary>
public sealed record ResetPasswordRequest(string? Password);

/// <summary>A generated password, shown this once.</summary>
public sealed record PasswordDto(string Password);

/// <summary>The caller's own password change.</summary>
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>A new API token: a name, its lifetime in days (default and maximum from settings), and (admin only) its owner.</summary>
public sealed record CreateTokenRequest(string? Name, int? ExpiresInDays, string? UserId);

/// <summary>The created token's info and the token itself (shown this once; only its hash is kept).</summary>
public sealed record CreatedTokenDto(TokenInfo Info, string Token);

/// <summary>One audit entry; <c>method</c>, <c>route</c> and <c>status</c> are set on the entries of the request safety net.</summary>
public sealed record AuditEntryDto(
    long Id, DateTimeOffset At, string ActorId, string ActorName, string ActorRole, string Action, string EntityType, string EntityId,
    string? Detail, string? Method, string? Route, int? Status);

/// <summary>A page of the audit log, newest first; pass <paramref name="NextCursor"/> as <c>cursor</c> for the next (null on the last).</summary>
public sealed record AuditPageDto(IReadOnlyList<AuditEntryDto> Items, string? NextCursor);

/// <summary>
/// A customer. <paramref name="PersonalData"/> says whether the contact fields are <c>clear</c> (roles of
/// <see cref="Policies.PersonalData"/>; the read is audited) or <c>masked</c>.
/// </summary>
public sealed record CustomerDto(
    string Id, string Name, string Tier, string? ContactPerson, string? Phone, string? Email, string? Address, string? Notes,
    IReadOnlyList<string> Chargers, string PersonalData, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A page of customers ordered by id; pass <paramref name="Next"/> as <c>after</c> for the next (null on the last).</summary>
public sealed record CustomerPageDto(IReadOnlyList<CustomerDto> Items, string? Next);

/// <summary>A customer to create (optional <paramref name="Id"/>; generated when absent) or replace.</summary>
public sealed record CustomerRequest(
    string? Id, string? Name, string? Tier, string? ContactPerson, string? Phone, string? Email, string? Address, string? Notes);

/// <summary>Source-generated JSON of the access area's API (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SignInRequest))]
[JsonSerializable(typeof(MeDto))]
[JsonSerializable(typeof(UserDto))]
[JsonSerializable(typeof(List<UserDto>))]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(CreatedUserDto))]
[JsonSerializable(typeof(UpdateUserRequest))]
[JsonSerializable(typeof(ResetPasswordRequest))]
[JsonSerializable(typeof(PasswordDto))]
[JsonSerializable(typeof(ChangePasswordRequest))]
[JsonSerializable(typeof(CreateTokenRequest))]
[JsonSerializable(typeof(CreatedTokenDto))]
[JsonSerializable(typeof(TokenInfo))]
[JsonSerializable(typeof(List<TokenInfo>))]
[JsonSerializable(typeof(AuditPageDto))]
[JsonSerializable(typeof(CustomerDto))]
[JsonSerializable(typeof(CustomerPageDto))]
[JsonSerializable(typeof(CustomerRequest))]
public sealed partial class AccessJsonContext : JsonSerializerContext;
