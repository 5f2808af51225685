using System.Globalization;
using System.Linq.Expressions;
using Microsoft.AspNetCore.Http;

namespace Charger.Cloud.Http;

/// <summary>
/// The one way a list endpoint is paged, sorted and exported: <c>offset</c> (0..), <c>limit</c>
/// (1..<see cref="MaxLimit"/>, default <see cref="DefaultLimit"/>), <c>sort</c> (a key the endpoint names, <c>-key</c>
/// for descending) and <c>format</c> (<c>json</c>, default, or <c>csv</c>: every row of the filtered, sorted list up to
/// <see cref="CsvExport.MaxRows"/>). A page answers its items with the total, the offset and the limit.
/// </summary>
public sealed record ListRequest(int Offset, int Limit, string Sort, bool Descending, bool Csv)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>
    /// Reads the list parameters of <paramref name="query"/> for an endpoint sorting by <paramref name="sortKeys"/> (and by
    /// their default when none is asked); a wrong one (a parameter given twice included) is a validation problem naming it.
    /// </summary>
    public static bool TryRead<T>(ListQuery query, SortKeys<T> sortKeys, out ListRequest request, out IResult? problem)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(sortKeys);
        var defaultSort = sortKeys.Default;
        request = new ListRequest(0, DefaultLimit, defaultSort.TrimStart('-'), defaultSort.StartsWith('-'), false);
        problem = null;
        var (offsetText, limitText, sortText, formatText) = (query.Offset, query.Limit, query.Sort, query.Format);
        var offset = 0;
        if (offsetText is not null && (!int.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            problem = ApiProblems.Field("offset", "A non-negative integer.");
            return false;
        }

        var limit = DefaultLimit;
        if (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            problem = ApiProblems.Field("limit", $"An integer from 1 to {MaxLimit}.");
            return false;
        }

        var descending = request.Descending;
        var sort = request.Sort;
        if (sortText is not null)
        {
            descending = sortText.StartsWith('-');
            sort = descending ? sortText[1..] : sortText;
            if (!sortKeys.Names.Contains(sort))
            {
                problem = ApiProblems.Field("sort", $"Use one of {string.Join(", ", sortKeys.Names)}, with a leading '-' for descending.");
                return false;
            }
        }

        if (formatText is not null and not ("json" or "csv"))
        {
            problem = ApiProblems.Field("format", "Use json (default) or csv.");
            return false;
        }

        request = new ListRequest(offset, limit, sort, descending, formatText == "csv");
        return true;
    }
}

/// <summary>
/// The list parameters as a request gives them, bound with <c>[AsParameters]</c> beside the endpoint's own filter record;
/// read them with <see cref="ListRequest.TryRead{T}"/>. Text, so a wrong value is answered with its field.
/// </summary>
public sealed record ListQuery(string? Offset = null, string? Limit = null, string? Sort = null, string? Format = null);

/// <summary>
/// The keys a list can be sorted by, each with the column it orders by (translated to SQL), the sort when none is asked
/// (<c>-key</c> for descending), and the unique column that breaks ties in the same direction, so pages are stable.
/// </summary>
public sealed class SortKeys<T>
{
    private readonly Dictionary<string, Func<IQueryable<T>, bool, IOrderedQueryable<T>>> _keys = new(StringComparer.Ordinal);
    private readonly Func<IOrderedQueryable<T>, bool, IOrderedQueryable<T>> _thenBy;

    /// <summary>Keys of rows whose unique number is <paramref name="tieBreaker"/>.</summary>
    public SortKeys(string defaultSort, Expression<Func<T, long>> tieBreaker)
        : this(defaultSort, (q, descending) => descending ? q.ThenByDescending(tieBreaker) : q.ThenBy(tieBreaker))
    {
    }

    /// <summary>Keys of rows whose unique text is <paramref name="tieBreaker"/>.</summary>
    public SortKeys(string defaultSort, Expression<Func<T, string>> tieBreaker)
        : this(defaultSort, (q, descending) => descending ? q.ThenByDescending(tieBreaker) : q.ThenBy(tieBreaker))
    {
    }

    private SortKeys(string defaultSort, Func<IOrderedQueryable<T>, bool, IOrderedQueryable<T>> thenBy)
    {
        Default = defaultSort;
        _thenBy = thenBy;
    }

    /// <summary>The sort when a request names none, e.g. <c>-raisedAt</c>.</summary>
    public string Default { get; }

    /// <summary>The names a request may give.</summary>
    public IReadOnlyCollection<string> Names => _keys.Keys;

    /// <summary>Adds <paramref name="name"/>, ordering by <paramref name="key"/>.</summary>
    public SortKeys<T> Add<TKey>(string name, Expression<Func<T, TKey>> key)
    {
        _keys.Add(name, (q, descending) => descending ? q.OrderByDescending(key) : q.OrderBy(key));
        return this;
    }

    /// <summary>
    /// Adds <paramref name="name"/>, ordering an enumeration by its declared order (its meaning: severity, priority,
    /// lifecycle) rather than by the text it is stored as: a <c>CASE</c> over the members.
    /// </summary>
    public SortKeys<T> AddRanked<TEnum>(string name, Expression<Func<T, TEnum>> key)
        where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(key);
        var members = Enum.GetValues<TEnum>();
        Expression rank = Expression.Constant(members.Length);
        for (var i = members.Length - 1; i >= 0; i--)
        {
            rank = Expression.Condition(Expression.Equal(key.Body, Expression.Constant(members[i])), Expression.Constant(i), rank);
        }

        return Add(name, Expression.Lambda<Func<T, int>>(rank, key.Parameters));
    }

    /// <summary>Orders <paramref name="query"/> as <paramref name="request"/> asks, ties broken in the same direction.</summary>
    public IOrderedQueryable<T> Apply(IQueryable<T> query, ListRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _thenBy(_keys[request.Sort](query, request.Descending), request.Descending);
    }
}

/// <summary>The one page type of the API: the items of a <see cref="ListRequest"/>, with the list's total.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int Offset, int Limit);
