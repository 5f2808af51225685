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
        var stripe = _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_stripes.Length)];
        await stripe.WaitAsync(cancellationToken);
        return new Releaser(stripe);
    }

    public readonly struct Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
