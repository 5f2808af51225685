using Charger.Cloud.Data;

namespace Charger.Cloud.Service.Tests.Support;

/// <summary>Tests that each get a fresh <see cref="ServiceTestBed"/> on the database a subclass names (SQLite or PostgreSQL).</summary>
public abstract class BedTests : IAsyncLifetime
{
    private ServiceTestBed? _bed;

    protected abstract DomainDbProvider Provider { get; }

    protected ServiceTestBed Bed => _bed!;

    public async Task InitializeAsync() => _bed = await ServiceTestBed.CreateAsync(Provider);

    public async Task DisposeAsync()
    {
        if (_bed is not null)
        {
            await _bed.DisposeAsync();
        }
    }
}
