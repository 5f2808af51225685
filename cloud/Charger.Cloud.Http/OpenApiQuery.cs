using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace Charger.Cloud.Http;

/// <summary>
/// The one OpenAPI helper: what a query parameter means and takes. Request records bound with <c>[AsParameters]</c>
/// hold the parameters as text (so a wrong value is answered with the field that is wrong, not a bare 400); this gives
/// each its type and description, replacing the plain string the binder described.
/// </summary>
public static class OpenApiQuery
{
    /// <summary>Describes <paramref name="parameters"/> as optional query parameters of the endpoint (replacing what was said of the same name).</summary>
    public static RouteHandlerBuilder WithQueryParameters(this RouteHandlerBuilder endpoint, params (string Name, JsonSchemaType Type, string? Format, string Description)[] parameters) =>
        endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            foreach (var (name, type, format, description) in parameters)
            {
                for (var i = operation.Parameters.Count - 1; i >= 0; i--)
                {
                    if (operation.Parameters[i].In == ParameterLocation.Query && string.Equals(operation.Parameters[i].Name, name, StringComparison.OrdinalIgnoreCase))
                    {
                        operation.Parameters.RemoveAt(i);
                    }
                }

                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name, In = ParameterLocation.Query, Required = false, Description = description, Schema = new OpenApiSchema { Type = type, Format = format },
                });
            }

            return Task.CompletedTask;
        });

    /// <summary>Describes the list parameters of <see cref="ListRequest"/> with the endpoint's sort keys.</summary>
    public static RouteHandlerBuilder WithListParameters<T>(this RouteHandlerBuilder endpoint, SortKeys<T> sortKeys) =>
        endpoint.WithQueryParameters(
            ("offset", JsonSchemaType.Integer, "int32", "Skip this many (default 0)."),
            ("limit", JsonSchemaType.Integer, "int32", $"Page size, 1..{ListRequest.MaxLimit} (default {ListRequest.DefaultLimit})."),
            ("sort", JsonSchemaType.String, null, $"One of {string.Join(", ", sortKeys.Names)}; '-' first for descending (default {sortKeys.Default})."),
            ("format", JsonSchemaType.String, null, $"json (default) or csv: every row of the filtered, sorted list, up to {CsvExport.MaxRows}."));
}
