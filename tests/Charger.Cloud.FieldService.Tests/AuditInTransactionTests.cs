using Charger.Cloud.Access;
using Charger.Cloud.Access.Data;
using Charger.Cloud.Core;
using Charger.Cloud.Data;
using Charger.Cloud.FieldService.Tests.Support;
using Charger.Protocol;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Charger.Cloud.FieldService.Tests;

/// <summary>
/// The projector's audit rows commit with the alarms and work orders they describe, on the access area's real audit log
/// in the same database: when the audit log refuses (a trigger here, a full table or a constraint in life), the batch is
/// not applied at all and comes again; never a change without its audit line.
/// </summary>
public abstract class AuditInTransactionTests : BedTests
{
    [Fact]
    public async Task A_refused_audit_row_keeps_the_alarm_and_work_order_out_until_both_can_be_written()
    {
        var accessDb = new DomainDbFactory<AccessDb>(Bed.Database.Database, AccessDb.HistoryTable, o => new SqliteAccessDb(o), o => new PostgresAccessDb(o));
        await new DomainDbMigrator<AccessDb>(accessDb, NullLogger<DomainDbMigrator<AccessDb>>.Instance).StartAsync(CancellationToken.None);
        var projector = Bed.NewProjector(new AuditLog(accessDb));
        await Bed.BootAsync("CP-A");
        await Bed.RaiseAsync("CP-A", FaultCatalogue.GroundFailure);
        await ExecuteAsync(Provider == DomainDbProvider.Sqlite
            ? "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END;"
            : """
              CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$ LANGUAGE plpgsql;
              CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit();
              """);

        await Bed.WaitForFeedAsync();
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => projector.RunOnceAsync(CancellationToken.None));

        Assert.Contains("audit refused", refused.ToString(), StringComparison.Ordinal);
        await using (var db = Bed.Factory.Create())
        {
            Assert.Empty(await db.Alarms.ToListAsync());
            Assert.Empty(await db.WorkOrders.ToListAsync());
        }

        Assert.Equal(FeedPosition.Start, await projector.ReadPositionAsync(CancellationToken.None));

        // The audit log takes rows again: the same batch is applied once, with its audit lines.
        await ExecuteAsync("DROP TRIGGER refuse_audit" + (Provider == DomainDbProvider.Sqlite ? string.Empty : " ON audit_log"));
        await projector.RunOnceAsync(CancellationToken.None);

        await using (var db = Bed.Factory.Create())
        {
            Assert.Single(await db.Alarms.ToListAsync());
            Assert.Single(await db.WorkOrders.ToListAsync());
        }

        await using (var access = accessDb.Create())
        {
            var actions = await access.AuditLog.Select(a => a.Action).ToListAsync();
            Assert.Equal(1, actions.Count(a => a == "alarm.raise"));
            Assert.Equal(1, actions.Count(a => a == "work-order.create"));
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var db = Bed.Factory.Create();
        await db.Database.ExecuteSqlRawAsync(sql);
    }
}

public sealed class SqliteAuditInTransactionTests : AuditInTransactionTests
{
    protected override DomainDbProvider Provider => DomainDbProvider.Sqlite;
}

public sealed class PostgresAuditInTransactionTests : AuditInTransactionTests
{
    protected override DomainDbProvider Provider => DomainDbProvider.Postgres;
}
