using Charger.Cloud.Store;
using Charger.Cloud.Core;
using Charger.Cloud.Tests.Support;

namespace Charger.Cloud.Tests.Store;

/// <summary>The store contract against a real SQLite file.</summary>
public sealed class SqliteEventStoreContractTests : EventStoreContractTests
{
    private SqliteStoreFixture? _fixture;

    protected override Task<EventStore> CreateStoreAsync()
    {
        _fixture = new SqliteStoreFixture();
        return Task.FromResult(_fixture.Events);
    }

    protected override Task DestroyStoreAsync()
    {
        _fixture?.Dispose();
        return Task.CompletedTask;
    }
}
