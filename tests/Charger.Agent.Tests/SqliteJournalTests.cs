using Charger.Agent.Core.Journal;
using Charger.Agent.Journal.Sqlite;
using Charger.Protocol;

namespace Charger.Agent.Tests;

public sealed class SqliteJournalTests : JournalContractTests
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "journal-tests-" + Guid.NewGuid().ToString("N"));

    private string DbPath => Path.Combine(_dir, "journal.db");

    protected override IJournal Create(JournalOptions options) => SqliteJournal.Open(Charger, WithPath(options));

    private JournalOptions WithPath(JournalOptions o) => new() { Path = DbPath, MaxPendingEvents = o.MaxPendingEvents, MaxHistoryEvents = o.MaxHistoryEvents, MaxTelemetry = o.MaxTelemetry };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Events_acks_and_state_survive_a_reopen()
    {
        for (var i = 0; i < 5; i++)
        {
            await Journal.AppendAsync(EventTypes.FaultRaised, Fault("F" + i), T0, default);
        }

        await Journal.AcknowledgeAsync(2, default);
        await Journal.SetStateAsync("k", "v", default);
        await Journal.DisposeAsync();

        await using var reopened = SqliteJournal.Open(Charger, WithPath(Options));
        Assert.Equal(5, reopened.Stats.LastSeq);
        Assert.Equal(2, reopened.Stats.AckedUpTo);
        Assert.Equal([3L, 4L, 5L], (await reopened.ReadPendingAsync(0, 10, default)).Select(e => e.Seq));
        Assert.Equal("v", await reopened.GetStateAsync("k", default));
        Assert.Equal(6, (await reopened.AppendAsync(EventTypes.FaultRaised, Fault("X"), T0, default))!.Seq);
    }

    [Fact]
    public async Task Seq_never_restarts_even_when_every_event_was_pruned()
    {
        for (var i = 0; i < 40; i++)
        {
            await Journal.AppendAsync(EventTypes.FaultRaised, Fault("F"), T0, default);
        }

        await Journal.AcknowledgeAsync(40, default);
        await Journal.DisposeAsync();
        await using var reopened = SqliteJournal.Open(Charger, WithPath(Options) );
        Assert.Equal(41, (await reopened.AppendAsync(EventTypes.FaultRaised, Fault("X"), T0, default))!.Seq);
    }

    [Fact]
    public async Task A_corrupt_journal_is_moved_aside_and_the_stream_continues_above_every_seq_used()
    {
        for (var i = 0; i < 3; i++)
        {
            await Journal.AppendAsync(EventTypes.FaultRaised, Fault("F"), T0, default);
        }

        await Journal.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var f in Directory.GetFiles(_dir, "journal.db-*"))
        {
            File.Delete(f);
        }

        // Overwrite the header and first pages: what a torn write on a dying flash card looks like.
        await using (var fs = new FileStream(DbPath, FileMode.Open, FileAccess.Write))
        {
            fs.Write(new byte[8192].Select((_, i) => (byte)(i * 7)).ToArray());
        }

        await using var recovered = SqliteJournal.Open(Charger, WithPath(Options));
        Assert.NotNull(recovered.RecoveredFrom);
        Assert.True(File.Exists(recovered.RecoveredFrom));
        var next = await recovered.AppendAsync(EventTypes.FaultRaised, Fault("after"), T0, default);
        Assert.True(next!.Seq > 3, $"seq {next.Seq} must be above the 3 used before the corruption");
        Assert.Equal(next.Seq, Assert.Single(await recovered.ReadPendingAsync(0, 10, default)).Seq);
    }

    [Fact]
    public async Task A_full_disk_fails_the_append_with_a_clear_error_and_loses_nothing_already_stored()
    {
        await Journal.DisposeAsync();
        await using var small = SqliteJournal.Open(Charger, WithPath(Options), maxPageCount: 12);
        long stored = 0;
        var big = System.Text.Json.JsonSerializer.SerializeToElement(
            new FaultRaisedData { Code = "X", Component = new string('c', 2000), Severity = Severity.Major }, ProtocolJsonContext.Default.FaultRaisedData);
        var ex = await Assert.ThrowsAsync<JournalStorageException>(async () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                await small.AppendAsync(EventTypes.FaultRaised, big, T0, default);
                stored++;
            }
        });
        Assert.True(ex.DiskFull);
        Assert.True(stored > 0);
        Assert.Equal(stored, small.Stats.LastSeq);
        Assert.Equal(stored, (await small.ReadPendingAsync(0, 10_000, default)).Count);
        // Once the cloud acks and history is pruned, space is reused and appends work again.
        await small.AcknowledgeAsync(stored, default);
        Assert.NotNull(await small.AppendAsync(EventTypes.FaultRaised, Fault("ok"), T0, default));
    }

    [Fact]
    public async Task A_journal_of_another_charger_is_refused()
    {
        await Journal.DisposeAsync();
        var ex = Assert.Throws<InvalidOperationException>(() => SqliteJournal.Open("OTHER", WithPath(Options)));
        Assert.Contains(Charger, ex.Message, StringComparison.Ordinal);
    }
}
