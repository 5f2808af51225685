using Microsoft.Extensions.Logging;

namespace Charger.Cloud.Access;

/// <summary>The access area's log messages (event ids 1000-1099).</summary>
internal static partial class AccessLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "No users existed: created the administrator '{UserId}'. Its generated password is in {Path} (mode 0600). Sign in, then set a new password or create named administrators and disable this one.")]
    public static partial void AdminCreated(ILogger logger, string userId, string path);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Users exist; the first-run administrator credential was created by another receiver or an earlier start")]
    public static partial void AdminExists(ILogger logger);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning,
        Message = "The first-run administrator credential is still at {Path}: delete it once the administrator's password has been changed")]
    public static partial void CredentialFileStillPresent(ILogger logger, string path);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning,
        Message = "Access:PersonalDataKey is not configured: generated a personal-data key into {Path} (mode 0600). Production must configure Access:PersonalDataKey and back it up: customers' contact data cannot be read without it.")]
    public static partial void PersonalDataKeyGenerated(ILogger logger, string path);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning,
        Message = "Access:PersonalDataKey is not configured: using the key in {Path}. Production must configure Access:PersonalDataKey and back it up.")]
    public static partial void PersonalDataKeyFromFile(ILogger logger, string path);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Sign-in of '{UserId}' refused: {Reason}")]
    public static partial void SignInRefused(ILogger logger, string userId, string reason);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "User '{UserId}' locked out until {Until} after {Attempts} failed sign-ins")]
    public static partial void LockedOut(ILogger logger, string userId, DateTimeOffset until, int attempts);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Information, Message = "User '{UserId}' signed in")]
    public static partial void SignedIn(ILogger logger, string userId);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Information, Message = "Bearer token refused: {Reason}")]
    public static partial void TokenRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Error, Message = "Could not record the audit entry of {Method} {Route} ({Status})")]
    public static partial void AuditRequestFailed(ILogger logger, Exception exception, string method, string route, int status);
}
