using Charger.Cloud.Store;
using Charger.Cloud.Core;
using Charger.Cloud.AfterSales;
using Charger.Cloud.Data;
using Charger.Cloud.FieldService.Alarms;
using Charger.Cloud.FieldService.Data;
using Charger.Cloud.FieldService.Sla;
using Charger.Cloud.FieldService.WorkOrders;
using Charger.Cloud.Store.Postgres;
using Charger.Cloud.Store.Sqlite;
using Charger.Testing;
using Charger.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Charger.Cloud.FieldService.Projection;

namespace Charger.Cloud.FieldService.Tests.Support;

/// <summary>
/// A fresh database (SQLite file or PostgreSQL schema) holding both the real event store and the service tables, the real
/// ingest pipeline in front of the store, a fake clock, and the service area's classes built on them.
/// </summary>
public sealed class FieldServiceTestBed : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2025, 3, 10, 1, 0, 0, TimeSpan.Zero);

    private readonly SqliteDatabase? _sqlite;
    private readonly PostgresDatabase? _postgres;
    private readonly Dictionary<string, long> _seqs = new(StringComparer.Ordinal);

    private FieldServiceTestBed(TestDomainDatabase database, FieldServiceOptions options)
    {
        Database = database;
        Options = options;
        if (database.Provider == DomainDbProvider.Sqlite)
        {
            _sqlite = new SqliteDatabase(database.SqlitePath!);
            Store = new EventStore(_sqlite);
        }
        else
        {
            _postgres = new PostgresDatabase(database.Database.ConnectionString);
            Store = new EventStore(_postgres);
        }

        Factory = new DomainDbFactory<FieldServiceDb>(database.Database, FieldServiceDb.HistoryTable, o => new SqliteFieldServiceDb(o), o => new PostgresFieldServiceDb(o));
        Pipeline = new IngestPipeline((IEventBatchStore)Store, Microsoft.Extensions.Options.Options.Create(new IngestOptions()), Clock, NullLogger<IngestPipeline>.Instance,
            new IngestMetrics(Meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), Applied, Live);
        WorkOrders = NewWorkOrderService();
    }

    public TestDomainDatabase Database { get; }

    public FieldServiceOptions Options { get; }

    public FakeTimeProvider Clock { get; } = new(Start);

    public EventStore Store { get; }

    public IngestPipeline Pipeline { get; }

    /// <summary>Raised by <see cref="Pipeline"/> after each commit that applied events.</summary>
    public AppliedEventsSignal Applied { get; } = new();

    public IDomainDbFactory<FieldServiceDb> Factory { get; }

    public RecordingAuditLog Audit { get; } = new();

    /// <summary>What the projectors of this bed publish for open views.</summary>
    public LiveUpdates Live { get; } = new();

    public StaffList Staff { get; } = new(
        new StaffMember("eng-zhang", "Zhang Wei", Roles.RepairEngineer, "north", Active: true),
        new StaffMember("eng-wang", "Wang Fang", Roles.RepairEngineer, "south", Active: true),
        new StaffMember("eng-gone", "Former", Roles.RepairEngineer, "north", Active: false),
        new StaffMember("ts-chen", "Chen", Roles.TechnicalSupport, null, Active: true));

    public WorkOrderService WorkOrders { get; }

    public static readonly Actor Support = new("ts-chen", "Chen", Roles.TechnicalSupport);
    public static readonly Actor Zhang = new("eng-zhang", "Zhang Wei", Roles.RepairEngineer);
    public static readonly Actor Specialist = new("ss-liu", "Liu", Roles.ServiceSpecialist);
    public static readonly Actor Boss = new("sup-li", "Li", Roles.Supervisor);

    private static readonly ServiceProvider Meters = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public static async Task<FieldServiceTestBed> CreateAsync(DomainDbProvider provider, Action<FieldServiceOptions>? configure = null)
    {
        var options = new FieldServiceOptions();
        configure?.Invoke(options);
        var bed = new FieldServiceTestBed(await TestDomainDatabase.CreateAsync(provider), options);
        await new DomainDbMigrator<FieldServiceDb>(bed.Factory, NullLogger<DomainDbMigrator<FieldServiceDb>>.Instance).StartAsync(CancellationToken.None);
        return bed;
    }

    public WorkOrderService NewWorkOrderService() => new(
        Factory, Staff, NullCustomerDirectory.Instance, new FieldServiceAudit(Audit, NullLogger<FieldServiceAudit>.Instance),
        Microsoft.Extensions.Options.Options.Create(Options), Clock, NullLogger<WorkOrderService>.Instance);

    public FieldServiceProjector NewProjector(IAuditLog? audit = null) => new(
        Factory, Store, (IEventFeed)Store, NewWorkOrderService(), new FieldServiceAudit(audit ?? Audit, NullLogger<FieldServiceAudit>.Instance), Live,
        Microsoft.Extensions.Options.Options.Create(Options), Clock,
        NullLogger<FieldServiceProjector>.Instance);

    public SlaMonitor NewSlaMonitor() => new(Factory, new FieldServiceAudit(Audit, NullLogger<FieldServiceAudit>.Instance), Clock, NullLogger<SlaMonitor>.Instance);

    /// <summary>Returns once the feed shows every event committed so far (see <see cref="ProjectAsync"/> on PostgreSQL).</summary>
    public Task WaitForFeedAsync() => FeedReader.ReadAllAsync((IEventFeed)Store);

    /// <summary>
    /// Runs the projector over every event committed so far, once the feed shows them all (<see cref="WaitForFeedAsync"/>),
    /// and returns how many it applied.
    /// </summary>
    public async Task<int> ProjectAsync()
    {
        await WaitForFeedAsync();
        return await NewProjector().RunOnceAsync(CancellationToken.None);
    }

    /// <summary>Sends the charger's next event (seq counted here), journaled now by the fake clock.</summary>
    public async Task<long> SendAsync<T>(string chargerId, string type, T data, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, DateTimeOffset? ts = null)
    {
        var seq = _seqs[chargerId] = _seqs.GetValueOrDefault(chargerId) + 1;
        var envelope = Envelope.Create(chargerId, seq, ts ?? Clock.GetUtcNow(), type, data, info);
        var outcome = await Pipeline.HandleEventAsync(Topics.Events(chargerId), envelope.ToUtf8Json(), CancellationToken.None);
        Assert.True(outcome.Stored, $"event {chargerId}#{seq} was not stored: {outcome.Rejected} {outcome.Detail}");
        return seq;
    }

    public Task<long> BootAsync(string chargerId, string model = "EVB-22") =>
        SendAsync(chargerId, EventTypes.Boot, new BootData { Reason = "power-on", AgentVersion = "1.0.0", Model = model }, ProtocolJsonContext.Default.BootData);

    public Task<long> RaiseAsync(string chargerId, string code, Severity? severity = null, bool? blocks = null)
    {
        var d = FaultCatalogue.Get(code);
        return SendAsync(chargerId, EventTypes.FaultRaised, new FaultRaisedData
        {
            Code = code, Component = "test", Severity = severity ?? d.DefaultSeverity, BlocksCharging = blocks ?? d.BlocksCharging, Latching = d.Latching, Message = code + " in test",
        }, ProtocolJsonContext.Default.FaultRaisedData);
    }

    public Task<long> ClearAsync(string chargerId, string code) =>
        SendAsync(chargerId, EventTypes.FaultCleared, new FaultClearedData { Code = code, Component = "test", Reason = "condition-gone" }, ProtocolJsonContext.Default.FaultClearedData);

    public Task<long> CountersAsync(string chargerId) =>
        SendAsync(chargerId, EventTypes.Counters, new CountersData { EnergyWh = 1 }, ProtocolJsonContext.Default.CountersData);

    public Task<long> RecordAsync(string chargerId, string kind, string engineer, string? workOrderRef = null, bool confirmed = false, DateTimeOffset? ts = null) =>
        SendAsync(chargerId, EventTypes.ServiceRecord, new ServiceRecordData
        {
            Kind = kind, EngineerId = engineer, WorkOrderRef = workOrderRef, Findings = "found", Cause = "worn contact", Actions = "replaced contact",
            CustomerName = confirmed ? "Li Wei" : null, CustomerConfirmed = confirmed,
            Checklist = new Dictionary<string, bool> { ["fault-inspected"] = true, ["safety-procedure"] = true, ["on-site-test"] = true },
        }, ProtocolJsonContext.Default.ServiceRecordData, ts);

    /// <summary>Drives a work order from open to on site by the roles that do it in real life.</summary>
    public async Task ToOnSiteAsync(long id, string engineer = "eng-zhang")
    {
        await WorkOrders.FireAsync(id, WorkOrderTrigger.Triage, new TransitionInput(RemoteChecks: "reset the RCD; did not hold"), Support, CancellationToken.None);
        await WorkOrders.FireAsync(id, WorkOrderTrigger.Assign, new TransitionInput(EngineerId: engineer), Support, CancellationToken.None);
        var actor = engineer == "eng-zhang" ? Zhang : new Actor(engineer, engineer, Roles.RepairEngineer);
        await WorkOrders.FireAsync(id, WorkOrderTrigger.SetOff, new TransitionInput(ArrivalAt: Clock.GetUtcNow().AddHours(1)), actor, CancellationToken.None);
        await WorkOrders.FireAsync(id, WorkOrderTrigger.Arrive, new TransitionInput(), actor, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        _sqlite?.Dispose();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        await Database.DisposeAsync();
    }
}

/// <summary>
/// Staff for the service tests. Charger.Cloud.Access's directory was not committed when these tests were written;
/// replace with it (a real user store) once it is.
/// </summary>
public sealed class StaffList(params StaffMember[] members) : IStaffDirectory
{
    public Task<StaffMember?> FindAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult(members.FirstOrDefault(m => m.UserId == userId));
}

/// <summary>Keeps the audit entries written, to assert on them.</summary>
public sealed class RecordingAuditLog : IAuditLog
{
    private readonly List<AuditEntry> _entries = [];

    public IReadOnlyList<AuditEntry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        lock (_entries)
        {
            _entries.Add(entry);
        }

        return Task.CompletedTask;
    }
    /// <summary>Kept like the others (the transaction is the caller's; the real log is tested in AuditInTransactionTests).</summary>
    public Task RecordAsync(IReadOnlyList<AuditEntry> entries, System.Data.Common.DbTransaction transaction, CancellationToken cancellationToken)
    {
        lock (_entries)
        {
            _entries.AddRange(entries);
        }

        return Task.CompletedTask;
    }
}
