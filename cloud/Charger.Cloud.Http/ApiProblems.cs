using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Charger.Cloud.Http;

/// <summary>The one validation style of the API: a 400 problem with <c>errors: { field: [message] }</c>.</summary>
public static class ApiProblems
{
    /// <summary>A validation problem naming the wrong field (a body property or a query parameter).</summary>
    public static IResult Field(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>A query parameter given at most once and not empty; null when absent.</summary>
    public static bool TrySingle(IQueryCollection query, string name, out string? value, out IResult? problem)
    {
        ArgumentNullException.ThrowIfNull(query);
        value = null;
        problem = null;
        if (!query.TryGetValue(name, out StringValues values))
        {
            return true;
        }

        if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            problem = Field(name, $"'{name}' must be given once, not empty.");
            return false;
        }

        value = values[0];
        return true;
    }
}
