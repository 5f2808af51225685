using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Charger.Cloud.Http;

/// <summary>The one answer of a list endpoint: a <see cref="Page{T}"/> of the filtered, sorted rows, or all of them as CSV.</summary>
public static class ListResponse
{
    /// <summary>
    /// Counts <paramref name="filtered"/>, sorts it as <paramref name="list"/> asks (<paramref name="sortKeys"/>), and
    /// answers the page <paramref name="list"/> names, or, for <c>format=csv</c>, every row as <paramref name="fileName"/>
    /// with <paramref name="columns"/> (<see cref="CsvExport"/>).
    /// </summary>
    public static async Task<IResult> PageAsync<TRow, T>(
        IQueryable<TRow> filtered, SortKeys<TRow> sortKeys, ListRequest list, Func<TRow, T> map, IReadOnlyList<CsvColumn<T>> columns, string fileName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sortKeys);
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(map);
        var total = await filtered.CountAsync(ct);
        var sorted = sortKeys.Apply(filtered, list);
        if (list.Csv)
        {
            return await CsvExport.ExportAsync(sorted, map, columns, fileName, total, ct);
        }

        var rows = await sorted.Skip(list.Offset).Take(list.Limit).ToListAsync(ct);
        return TypedResults.Ok(new Page<T>(rows.Select(map).ToList(), total, list.Offset, list.Limit));
    }
}
