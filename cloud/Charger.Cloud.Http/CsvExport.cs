using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Charger.Cloud.Http;

/// <summary>A column of an export: its header (the JSON field name) and its value of a row as text.</summary>
public sealed record CsvColumn<T>(string Name, Func<T, string?> Value);

/// <summary>
/// A list as CSV (RFC 4180, UTF-8 with a byte-order mark so spreadsheet programs read Chinese right), written with
/// CsvHelper. The rows are read first and the database connection given back before the file is sent, so a slow
/// download holds no connection; at most <see cref="MaxConcurrent"/> exports read at once. A value that a spreadsheet would run as a formula (starting with <c>=</c>, <c>+</c>,
/// <c>-</c>, <c>@</c>, tab or carriage return) is escaped with a leading quote: charger messages and customers' words end
/// up here.
/// </summary>
public static class CsvExport
{
    /// <summary>At most this many rows per export; a longer list is cut and says so (header <c>X-Export-Truncated</c>).</summary>
    public const int MaxRows = 20_000;

    /// <summary>Exports reading at the same time; another one is refused with 503 until one is done.</summary>
    public const int MaxConcurrent = 4;

    private static readonly SemaphoreSlim Readers = new(MaxConcurrent, MaxConcurrent);

    /// <summary>The header that says an export was cut at <see cref="MaxRows"/>.</summary>
    public const string TruncatedHeader = "X-Export-Truncated";

    /// <summary>
    /// An export of the first <see cref="MaxRows"/> of <paramref name="rows"/> (filtered and sorted by the caller; the list
    /// holds <paramref name="total"/>), each made a row by <paramref name="map"/>, named <paramref name="fileName"/>.
    /// </summary>
    public static async Task<IResult> ExportAsync<TRow, T>(
        IQueryable<TRow> rows, Func<TRow, T> map, IReadOnlyList<CsvColumn<T>> columns, string fileName, int total, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (!await Readers.WaitAsync(TimeSpan.Zero, ct))
        {
            return TypedResults.Problem(title: "Too many exports at once", detail: $"At most {MaxConcurrent} run together; try again in a moment.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        try
        {
            var read = await rows.Take(MaxRows).ToListAsync(ct);
            return new CsvResult<T>([.. read.Select(map)], columns, fileName, total > MaxRows);
        }
        finally
        {
            Readers.Release();
        }
    }

    private sealed class CsvResult<T>(IReadOnlyList<T> rows, IReadOnlyList<CsvColumn<T>> columns, string fileName, bool truncated) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.ContentType = "text/csv; charset=utf-8";
            response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            response.Headers.CacheControl = "no-store";
            if (truncated)
            {
                response.Headers[TruncatedHeader] = "true";
            }

            // The pipe buffers in memory: the writers' synchronous writes never block on the socket; each flush is async.
            var body = response.BodyWriter.AsStream(leaveOpen: true);
            await body.WriteAsync(Encoding.UTF8.Preamble.ToArray(), httpContext.RequestAborted);
            await using var text = new StreamWriter(body, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            await using var csv = new CsvWriter(text, new CsvConfiguration(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape });
            foreach (var column in columns)
            {
                csv.WriteField(column.Name);
            }

            await csv.NextRecordAsync();
            var written = 0;
            foreach (var row in rows)
            {
                foreach (var column in columns)
                {
                    csv.WriteField(column.Value(row));
                }

                await csv.NextRecordAsync();
                if (++written % 500 == 0)
                {
                    await csv.FlushAsync();
                    await text.FlushAsync(httpContext.RequestAborted);
                }
            }

            await csv.FlushAsync();
            await text.FlushAsync(httpContext.RequestAborted);
        }
    }
}
