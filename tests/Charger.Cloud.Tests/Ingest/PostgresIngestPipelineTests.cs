using Charger.Cloud.Store;
using Charger.Cloud.Core;
using Charger.Cloud.Store.Postgres;
using Charger.Cloud.Tests.Support;
using Charger.Protocol;

namespace Charger.Cloud.Tests.Ingest;

/// <summary>The pipeline on a real PostgreSQL server (<c>CHARGER_TEST_POSTGRES</c>), each test in a fresh schema; and what
/// only a shared server allows: several receivers on one database.</summary>
public sealed class PostgresIngestPipelineTests : IngestPipelineTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private PostgresStoreFixture? _db;

    /// <inheritdoc />
    protected override int FuzzMessages => 20_000;

    protected override async Task<EventStore> CreateStoreAsync()
    {
        _db = await PostgresStoreFixture.CreateAsync(Clock);
        return _db.Events;
    }

    protected override async Task DestroyStoreAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_reader_following_the_feed_while_two_receivers_write_gets_every_event_once_and_each_chargers_in_seq_order()
    {
        const int chargers = 20, perCharger = 40;
        var second = new PostgresDatabase(_db!.ConnectionString);
        try
        {
            // Both receivers raise one signal after each commit, as ingest does for the subscriptions of its process.
            var applied = new AppliedEventsSignal();
            IngestPipeline[] receivers =
            [
                NewPipeline(new IngestOptions(), applied: applied), NewPipeline(new IngestOptions(), new EventStore(second), applied),
            ];
            var feed = (IEventFeed)Store;
            var seen = new List<FeedEvent>();
            using var writing = new CancellationTokenSource();

            // The reader goes on from the last position it got, as a subscription does, while both receivers commit in any
            // order: a transaction that commits after a later one must not be skipped.
            // When it has read all there is, it waits for the next commit's signal (taken before the read, so none is missed).
            // It stops once the writers are done and it has read as many events as were written: a transaction of another
            // test on the same server can hold the feed back for a moment (then it reads again at once), never for good.
            var reader = Task.Run(async () =>
            {
                var at = FeedPosition.Start;
                var deadline = DateTime.UtcNow.AddMinutes(2);
                while (!(writing.IsCancellationRequested && seen.Count >= chargers * perCharger) && DateTime.UtcNow < deadline)
                {
                    var committed = applied.Next();
                    var page = await feed.ReadAsync(at, 37, Ct);
                    seen.AddRange(page);
                    at = page.Count > 0 ? page[^1].Position : at;
                    if (page.Count == 0 && writing.IsCancellationRequested)
                    {
                        await Task.Yield();
                    }
                    else if (page.Count == 0)
                    {
                        await Task.WhenAny(committed, WhenCancelled(writing.Token));
                    }
                }
            });
            var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
            {
                for (var seq = 1; seq <= perCharger; seq++)
                {
                    // Each receiver writes half the chargers, a batch of several chargers at a time.
                    var batch = Enumerable.Range(0, chargers).Where(c => c % 2 == w).Select(c => Message(Events.Counters($"CP-{c}", seq))).ToList();
                    await receivers[w].HandleEventsAsync(batch, Ct);
                }
            })).ToList();
            await Task.WhenAll(writers);
            await writing.CancelAsync();
            await reader;

            Assert.Equal(chargers * perCharger, seen.Count);
            Assert.Equal(seen.Count, seen.Select(f => (f.Event.ChargerId, f.Event.Seq)).Distinct().Count());
            Assert.Equal(seen.Select(f => f.Position).Order(), seen.Select(f => f.Position));
            foreach (var charger in seen.GroupBy(f => f.Event.ChargerId))
            {
                Assert.Equal(Enumerable.Range(1, perCharger).Select(i => (long)i), charger.Select(f => f.Event.Seq));
            }
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task Three_receivers_on_one_database_given_every_event_in_any_order_apply_each_once_in_seq_order()
    {
        const int count = 60;
        var others = new List<PostgresDatabase>();
        try
        {
            // Each receiver is its own pipeline (own per-charger locks) on its own connection pool: nothing serialises them
            // but the database.
            var receivers = new List<IngestPipeline> { NewPipeline(new IngestOptions()) };
            for (var i = 0; i < 2; i++)
            {
                var database = new PostgresDatabase(_db!.ConnectionString);
                others.Add(database);
                receivers.Add(NewPipeline(new IngestOptions(), new EventStore(database)));
            }

            var envelopes = Enumerable.Range(1, count)
                .Select(seq => seq % 10 == 0
                    ? Events.FaultRaised("CP-1", seq, FaultCatalogue.HighTemperature, Severity.Major, seq)
                    : Events.Counters("CP-1", seq))
                .ToList();
            // Every event reaches two receivers (a redelivery after a receiver's restart), in a shuffled order.
            var deliveries = envelopes
                .SelectMany((e, i) => new[] { (Receiver: i % 3, Event: e), (Receiver: (i + 1) % 3, Event: e) })
                .OrderBy(_ => Random.Shared.Next())
                .ToList();

            var outcomes = await Task.WhenAll(deliveries.Select(d =>
                Task.Run(() => receivers[d.Receiver].HandleEventAsync(Topics.Events("CP-1"), d.Event.ToUtf8Json(), Ct))));

            Assert.All(outcomes, o => Assert.Equal(RejectReason.None, o.Rejected));
            Assert.Equal(count, outcomes.Count(o => o.Stored));
            Assert.Equal(new SequenceState(count, count), await Store.GetSequenceStateAsync("CP-1", Ct));
            Assert.Empty(await OpenGaps("CP-1"));
            Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), (await AppliedAsync("CP-1")).Select(a => a.Seq));
            Assert.Empty(await Store.ListDeadLettersAsync(10, Ct));
        }
        finally
        {
            foreach (var database in others)
            {
                await database.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Three_receivers_taking_batches_of_a_shared_subscription_apply_every_event_once_in_seq_order()
    {
        const int count = 120;
        var others = new List<PostgresDatabase>();
        try
        {
            var receivers = new List<IngestPipeline> { NewPipeline(new IngestOptions()) };
            for (var i = 0; i < 2; i++)
            {
                var database = new PostgresDatabase(_db!.ConnectionString);
                others.Add(database);
                receivers.Add(NewPipeline(new IngestOptions(), new EventStore(database)));
            }

            // Three chargers; every event delivered twice (a redelivery after a receiver's restart), shuffled, and dealt in
            // batches of 7 to the receivers, which write them concurrently.
            var deliveries = new[] { "CP-1", "CP-2", "CP-3" }
                .SelectMany(id => Enumerable.Range(1, count / 3).Select(seq => seq % 10 == 0
                    ? Events.FaultRaised(id, seq, FaultCatalogue.HighTemperature, Severity.Major, seq)
                    : Events.Counters(id, seq)))
                .SelectMany(e => new[] { e, e })
                .OrderBy(_ => Random.Shared.Next())
                .Select(e => new IngestMessage(Topics.Events(e.ChargerId), e.ToUtf8Json()))
                .Chunk(7)
                .ToList();

            var outcomes = await Task.WhenAll(deliveries.Select((batch, i) => Task.Run(() => receivers[i % 3].HandleEventsAsync(batch, Ct))));

            var all = outcomes.SelectMany(o => o.Outcomes).ToList();
            Assert.All(all, o => Assert.Equal(RejectReason.None, o.Rejected));
            Assert.Equal(count, all.Count(o => o.Stored));
            foreach (var id in new[] { "CP-1", "CP-2", "CP-3" })
            {
                Assert.Equal(new SequenceState(count / 3, count / 3), await Store.GetSequenceStateAsync(id, Ct));
                Assert.Empty(await OpenGaps(id));
                Assert.Equal(Enumerable.Range(1, count / 3).Select(i => (long)i), (await AppliedAsync(id)).Select(a => a.Seq));
            }

            Assert.Empty(await Store.ListDeadLettersAsync(10, Ct));
        }
        finally
        {
            foreach (var database in others)
            {
                await database.DisposeAsync();
            }
        }
    }

    private static Task WhenCancelled(CancellationToken token) => Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }, TaskScheduler.Default);
}
