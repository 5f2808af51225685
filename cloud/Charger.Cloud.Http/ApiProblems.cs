using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Charger.Cloud.Http;

/// <summary>The one validation style of the API: a 400 problem with <c>errors: { field: [message] }</c>.</summary>
public static class ApiProblems
{
    /// <summary>A validation problem naming the wrong field (a body property or a query parameter).</summary>
    public static IResult Field(string field, string message) => Invalid(field, message);

    /// <summary>The same, typed for an endpoint that declares its results.</summary>
    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: $"Invalid field '{field}'");
}
