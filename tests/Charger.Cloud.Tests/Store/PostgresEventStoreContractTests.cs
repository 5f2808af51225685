using Charger.Cloud.Store;
using Charger.Cloud.Core;
using Charger.Cloud.Tests.Support;

namespace Charger.Cloud.Tests.Store;

/// <summary>The store contract against a real PostgreSQL server (<c>CHARGER_TEST_POSTGRES</c>), each test in a fresh schema.</summary>
public sealed class PostgresEventStoreContractTests : EventStoreContractTests
{
    private PostgresStoreFixture? _fixture;

    protected override async Task<EventStore> CreateStoreAsync()
    {
        _fixture = await PostgresStoreFixture.CreateAsync();
        return _fixture.Events;
    }

    protected override async Task DestroyStoreAsync()
    {
        if (_fixture is not null)
        {
            await _fixture.DisposeAsync();
        }
    }
}
