using Charger.Cloud.Data;

namespace Charger.Cloud.FieldService.Tests.Support;

/// <summary>Tests that each get a fresh <see cref="FieldServiceTestBed"/> on the database a subclass names (SQLite or PostgreSQL).</summary>
public abstract class BedTests : IAsyncLifetime
{
    private FieldServiceTestBed? _bed;

    protected abstract DomainDbProvider Provider { get; }

    protected FieldServiceTestBed Bed => _bed!;

    public async Task InitializeAsync() => _bed = await FieldServiceTestBed.CreateAsync(Provider);

    public async Task DisposeAsync()
    {
        if (_bed is not null)
        {
            await _bed.DisposeAsync();
        }
    }
}
