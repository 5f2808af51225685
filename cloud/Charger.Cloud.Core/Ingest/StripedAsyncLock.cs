namespace Charger.Cloud.Core;

/// <summary>
/// Mutual exclusion per key with bounded memory: keys hash onto a fixed set of semaphores, so calls for one key never
/// interleave, and calls for different keys run in parallel unless they share a stripe.
/// </summary>
internal sealed class StripedAsyncLock
{
    private readonly SemaphoreSlim[] _stripes;

    public StripedAsyncLock(int stripes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stripes, 1);
        _stripes = new SemaphoreSlim[stripes];
        for (var i = 0; i < stripes; i++)
        {
            _stripes[i] = new SemaphoreSlim(1, 1);
        }
    }

    public async ValueTask<Releaser> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        var stripe = _stripes[StripeOf(key)];
        await stripe.WaitAsync(cancellationToken);
        return new Releaser(stripe);
    }

    /// <summary>
    /// Takes the stripes of every key, each once, in stripe order (so two callers with overlapping keys cannot deadlock);
    /// disposing the result releases them.
    /// </summary>
    public async ValueTask<MultiReleaser> AcquireAllAsync(IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        var indexes = keys.Select(StripeOf).Distinct().Order().ToArray();
        var taken = new List<SemaphoreSlim>(indexes.Length);
        try
        {
            foreach (var index in indexes)
            {
                await _stripes[index].WaitAsync(cancellationToken);
                taken.Add(_stripes[index]);
            }
        }
        catch
        {
            foreach (var stripe in taken)
            {
                stripe.Release();
            }

            throw;
        }

        return new MultiReleaser(taken);
    }

    private int StripeOf(string key) => (int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_stripes.Length);

    public readonly struct Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }

    public readonly struct MultiReleaser(List<SemaphoreSlim> semaphores) : IDisposable
    {
        public void Dispose()
        {
            for (var i = semaphores.Count - 1; i >= 0; i--)
            {
                semaphores[i].Release();
            }
        }
    }
}
