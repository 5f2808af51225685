namespace Charger.Cloud.Core;

/// <summary>Splits projection changes into runs that a store applies with one move of a charger's applied seq each.</summary>
public static class ProjectionRuns
{
    /// <summary>
    /// Consecutive changes of one charger with consecutive seqs form a run; a change of another charger or a seq that does
    /// not follow starts a new one. Order is kept.
    /// </summary>
    public static IEnumerable<IReadOnlyList<ProjectionChange>> Split(IReadOnlyList<ProjectionChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var run = new List<ProjectionChange>();
        foreach (var change in changes)
        {
            if (run.Count > 0 && (!string.Equals(run[^1].ChargerId, change.ChargerId, StringComparison.Ordinal) || run[^1].Seq + 1 != change.Seq))
            {
                yield return run;
                run = [];
            }

            run.Add(change);
        }

        if (run.Count > 0)
        {
            yield return run;
        }
    }
}
