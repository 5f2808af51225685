using System.Text.Json;
using Charger.Cloud.Core;
using Charger.Cloud.Data;
using Charger.Cloud.FieldService.Data;
using Charger.Cloud.FieldService.Records;
using Charger.Cloud.FieldService.Tests.Support;
using Charger.Protocol;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Options;

namespace Charger.Cloud.FieldService.Tests;

/// <summary>
/// The fleet's maintenance log, read from its one model (the service area's <c>maintenance_log</c>, each record with its
/// work-order link); on SQLite and on PostgreSQL.
/// </summary>
public abstract class FleetRecordsTests : BedTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private FleetRecords NewFleetRecords(TimeSpan? readWait = null) => new(
        Bed.Factory,
        new SubscriptionBarrier([Bed.NewProjector()], (IEventFeed)Bed.Store, new SubscriptionProgress(),
            Options.Create(new SubscriptionOptions { ReadWait = readWait ?? TimeSpan.FromMinutes(1) })));

    private async Task<string[]> KeysAsync(ServiceRecordQuery query) =>
        (await NewFleetRecords().QueryAsync(query, Ct)).Value.Select(r => $"{r.ChargerId}/{r.Seq}").ToArray();

    [Fact]
    public async Task A_record_is_in_the_log_once_whole_with_what_the_engineer_saved()
    {
        var seq = await Bed.RecordAsync("CP-1", ServiceRecordKinds.Repair, "eng-zhang", "WO-7", confirmed: true);
        await Bed.ProjectAsync();
        await Bed.ProjectAsync();
        var stored = (await Bed.Store.QueryEventsAsync(new EventQuery("CP-1"), Ct)).Single();

        var found = await NewFleetRecords().QueryAsync(new ServiceRecordQuery(), Ct);

        Assert.True(found.Current);
        var record = Assert.Single(found.Value);
        Assert.Equal(new ServiceRecordView("CP-1", seq, stored.Id, stored.Ts, ServiceRecordKinds.Repair, "eng-zhang", "WO-7", true, stored.DataJson), record);
        Assert.Equal("Li Wei", JsonDocument.Parse(record.DataJson).RootElement.GetProperty("customerName").GetString());
    }

    [Fact]
    public async Task The_log_filters_by_charger_kind_engineer_work_order_and_time()
    {
        var t0 = Bed.Clock.GetUtcNow();
        await Bed.RecordAsync("CP-1", ServiceRecordKinds.Repair, "eng-zhang", "WO-7", confirmed: true, ts: t0.AddMinutes(1));
        await Bed.RecordAsync("CP-1", ServiceRecordKinds.Maintenance, "eng-wang", ts: t0.AddMinutes(2));
        await Bed.RecordAsync("CP-1", ServiceRecordKinds.Repair, "eng-wang", "WO-9", ts: t0.AddMinutes(3));
        await Bed.RecordAsync("CP-2", ServiceRecordKinds.Inspection, "eng-wang", "WO-9", ts: t0.AddMinutes(4));
        await Bed.ProjectAsync();

        Assert.Equal(["CP-1/1", "CP-1/2", "CP-1/3", "CP-2/1"], await KeysAsync(new ServiceRecordQuery()));
        Assert.Equal(["CP-2/1"], await KeysAsync(new ServiceRecordQuery { ChargerId = "CP-2" }));
        Assert.Equal(["CP-1/1", "CP-1/3"], await KeysAsync(new ServiceRecordQuery { Kind = ServiceRecordKinds.Repair }));
        Assert.Equal(["CP-1/2", "CP-1/3", "CP-2/1"], await KeysAsync(new ServiceRecordQuery { EngineerId = "eng-wang" }));
        Assert.Equal(["CP-1/3", "CP-2/1"], await KeysAsync(new ServiceRecordQuery { WorkOrderRef = "WO-9" }));
        Assert.Equal(["CP-1/2", "CP-1/3"], await KeysAsync(new ServiceRecordQuery { From = t0.AddMinutes(2), To = t0.AddMinutes(4) }));
        Assert.Equal(["CP-1/1"], await KeysAsync(new ServiceRecordQuery { Limit = 1 }));
    }

    [Fact]
    public async Task The_log_pages_by_the_cursor_ts_charger_seq_without_loss_or_repeat()
    {
        // Five records at the same instant on three chargers, and one later: ties are broken by charger id (byte order), then seq.
        var same = Bed.Clock.GetUtcNow();
        foreach (var charger in new[] { "CP-b", "CP-a" })
        {
            await Bed.RecordAsync(charger, ServiceRecordKinds.Repair, "e", ts: same);
            await Bed.RecordAsync(charger, ServiceRecordKinds.Repair, "e", ts: same);
        }

        await Bed.RecordAsync("CP-B", ServiceRecordKinds.Repair, "e", ts: same);
        await Bed.RecordAsync("CP-B", ServiceRecordKinds.Repair, "e", ts: same.AddMinutes(1));
        await Bed.ProjectAsync();

        var seen = new List<string>();
        ServiceRecordCursor? after = null;
        for (var page = 0; page < 10; page++)
        {
            var items = (await NewFleetRecords().QueryAsync(new ServiceRecordQuery { After = after, Limit = 2 }, Ct)).Value;
            if (items.Count == 0)
            {
                break;
            }

            seen.AddRange(items.Select(r => $"{r.ChargerId}/{r.Seq}"));
            after = new ServiceRecordCursor(items[^1].Ts, items[^1].ChargerId, items[^1].Seq);
        }

        Assert.Equal(["CP-B/1", "CP-a/1", "CP-a/2", "CP-b/1", "CP-b/2", "CP-B/2"], seen);
    }

    [Fact]
    public async Task A_read_before_the_subscription_applied_the_record_says_it_may_be_behind()
    {
        await Bed.RecordAsync("CP-1", ServiceRecordKinds.Repair, "eng-zhang");

        var found = await NewFleetRecords(TimeSpan.FromMilliseconds(50)).QueryAsync(new ServiceRecordQuery(), Ct);

        Assert.False(found.Current);
        Assert.Empty(found.Value);
    }

    [Fact]
    public async Task A_release_5_database_keeps_its_records_and_links_and_gets_their_data_from_the_stored_events()
    {
        await Bed.BootAsync("CP-1");
        var seq = await Bed.RecordAsync("CP-1", ServiceRecordKinds.Maintenance, "eng-zhang", "WO-3");
        await Bed.ProjectAsync();
        var stored = (await Bed.Store.QueryEventsAsync(new EventQuery("CP-1") { AfterSeq = seq - 1, Limit = 1 }, Ct)).Single();

        // Back to release 5's schema (service_record_links, no data), as a database made by it is, and up again.
        await using (var db = Bed.Factory.Create())
        {
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync("FaultDetails", Ct);
            Assert.Equal(1, await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM service_record_links").SingleAsync(Ct));
            await migrator.MigrateAsync(cancellationToken: Ct);
        }

        await using (var db = Bed.Factory.Create())
        {
            var kept = await db.MaintenanceLog.AsNoTracking().SingleAsync(Ct);
            Assert.Equal(("CP-1", seq, "none", (string?)null), (kept.ChargerId, kept.Seq, kept.Match, kept.Data));
        }

        Assert.Equal(1, await Bed.NewProjector().CompleteEarlierRowsAsync(Ct));
        Assert.Equal(0, await Bed.NewProjector().CompleteEarlierRowsAsync(Ct));
        var record = Assert.Single((await NewFleetRecords().QueryAsync(new ServiceRecordQuery(), Ct)).Value);
        Assert.Equal((stored.DataJson, "WO-3"), (record.DataJson, record.WorkOrderRef));
    }
}

public sealed class SqliteFleetRecordsTests : FleetRecordsTests
{
    protected override DomainDbProvider Provider => DomainDbProvider.Sqlite;
}

public sealed class PostgresFleetRecordsTests : FleetRecordsTests
{
    protected override DomainDbProvider Provider => DomainDbProvider.Postgres;
}
