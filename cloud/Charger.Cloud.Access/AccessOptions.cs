using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.Access;

/// <summary>Settings of people, sign-in, tokens and personal data (section <c>Access</c>).</summary>
public sealed class AccessOptions
{
    public const string SectionName = "Access";

    /// <summary>
    /// The 256-bit AES key (base64) that encrypts customers' contact data at rest. Production must set it and back it up:
    /// without it the data cannot be read. When unset, the key in <c>{Cloud:DataDirectory}/personal-data.key</c> is used,
    /// generated on the first run.
    /// </summary>
    public string? PersonalDataKey { get; set; }

    /// <summary>Earlier keys (base64), still used to read values written with them (key rotation).</summary>
    public List<string> PreviousPersonalDataKeys { get; set; } = [];

    /// <summary>Consecutive failed sign-ins of a user that lock the account for <see cref="LockoutMinutes"/>.</summary>
    [Range(1, 100)]
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long a locked account stays locked, in minutes.</summary>
    [Range(1, 1440)]
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>How long a UI sign-in (cookie) lasts without use, in minutes (sliding).</summary>
    [Range(5, 10080)]
    public int SessionMinutes { get; set; } = 480;

    /// <summary>Lifetime of an API token when the request names none, in days.</summary>
    [Range(1, 3650)]
    public int TokenDefaultDays { get; set; } = 90;

    /// <summary>The longest lifetime an API token may be given, in days.</summary>
    [Range(1, 3650)]
    public int TokenMaxDays { get; set; } = 365;

    /// <summary>The data directory (<c>Cloud:DataDirectory</c>, made absolute): the first-run credential and generated key live there.</summary>
    internal string DataDirectory { get; set; } = "./data";
}

/// <summary>Checks the keys (base64 of 32 bytes) and that the default token lifetime is within the maximum; names the key that is wrong.</summary>
internal sealed class AccessOptionsValidator : IValidateOptions<AccessOptions>
{
    public ValidateOptionsResult Validate(string? name, AccessOptions options)
    {
        var errors = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.PersonalDataKey) && !PersonalDataKeyring.TryDecodeKey(options.PersonalDataKey, out _))
        {
            errors.Add($"{AccessOptions.SectionName}:{nameof(AccessOptions.PersonalDataKey)} must be 32 bytes (256 bits) in base64, e.g. the output of `openssl rand -base64 32`.");
        }

        for (var i = 0; i < options.PreviousPersonalDataKeys.Count; i++)
        {
            if (!PersonalDataKeyring.TryDecodeKey(options.PreviousPersonalDataKeys[i], out _))
            {
                errors.Add($"{AccessOptions.SectionName}:{nameof(AccessOptions.PreviousPersonalDataKeys)}:{i} must be 32 bytes (256 bits) in base64.");
            }
        }

        if (options.TokenDefaultDays > options.TokenMaxDays)
        {
            errors.Add($"{AccessOptions.SectionName}:{nameof(AccessOptions.TokenDefaultDays)} ({options.TokenDefaultDays}) must not exceed {AccessOptions.SectionName}:{nameof(AccessOptions.TokenMaxDays)} ({options.TokenMaxDays}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
