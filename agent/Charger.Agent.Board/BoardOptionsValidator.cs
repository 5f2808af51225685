using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Charger.Agent.Board;

/// <summary>Validates <see cref="BoardOptions"/> (attributes and <see cref="IValidatableObject"/>) with source-generated
/// code: no reflection, so the agent can be trimmed and compiled ahead of time.</summary>
[OptionsValidator]
public sealed partial class BoardOptionsValidator : IValidateOptions<BoardOptions>
{
    /// <summary>Throws <see cref="ValidationException"/> listing every problem of <paramref name="options"/>.</summary>
    public static void ThrowIfInvalid(BoardOptions options)
    {
        var result = new BoardOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new ValidationException(result.FailureMessage);
        }
    }
}
