using Charger.Cloud.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Charger.Cloud.CustomerCare.Data;

/// <summary>The customer-care area's tables: inquiries, complaints with their history, satisfaction surveys.</summary>
public abstract class CareDb : DomainDbContext
{
    /// <summary>The area's own migrations history table.</summary>
    public const string HistoryTable = "__care_migrations";

    protected CareDb(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<InquiryRecord> Inquiries => Set<InquiryRecord>();

    public DbSet<ComplaintRecord> Complaints => Set<ComplaintRecord>();

    public DbSet<ComplaintTransitionRecord> ComplaintTransitions => Set<ComplaintTransitionRecord>();

    public DbSet<SurveyRecord> Surveys => Set<SurveyRecord>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<InquiryRecord>(e =>
        {
            e.ToTable("care_inquiries");
            e.HasKey(x => x.Id);
            e.Property(x => x.CustomerId).HasMaxLength(64);
            e.Property(x => x.Content).HasMaxLength(4000);
            e.Property(x => x.RecordedBy).HasMaxLength(64);
            e.Property(x => x.RoutedToUser).HasMaxLength(64);
            e.Property(x => x.RoutedToRole).HasMaxLength(64);
            e.Property(x => x.Answer).HasMaxLength(4000);
            e.Property(x => x.AnsweredBy).HasMaxLength(64);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.Status, x.PromisedReplyBy });
            e.HasIndex(x => x.CustomerId);
        });

        modelBuilder.Entity<ComplaintRecord>(e =>
        {
            e.ToTable("care_complaints");
            e.HasKey(x => x.Id);
            e.Property(x => x.CustomerId).HasMaxLength(64);
            e.Property(x => x.Content).HasMaxLength(4000);
            e.Property(x => x.ChargerId).HasMaxLength(64);
            e.Property(x => x.WorkOrderId).HasMaxLength(64);
            e.Property(x => x.Apology).HasMaxLength(2000);
            e.Property(x => x.RecordedBy).HasMaxLength(64);
            e.Property(x => x.Investigator).HasMaxLength(64);
            e.Property(x => x.Cause).HasMaxLength(4000);
            e.Property(x => x.ResponsibleParty).HasMaxLength(200);
            e.Property(x => x.PlanMeasures).HasMaxLength(4000);
            e.Property(x => x.PlanResponsiblePerson).HasMaxLength(64);
            e.Property(x => x.LessonsSummary).HasMaxLength(4000);
            e.Property(x => x.LessonsImprovement).HasMaxLength(4000);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => x.State);
            e.HasIndex(x => x.CustomerId);
            e.HasIndex(x => x.ReceivedAt);
            e.HasMany(x => x.Transitions).WithOne().HasForeignKey(x => x.ComplaintId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Plans).WithOne().HasForeignKey(x => x.ComplaintId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.ProgressUpdates).WithOne().HasForeignKey(x => x.ComplaintId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Revisits).WithOne().HasForeignKey(x => x.ComplaintId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ComplaintTransitionRecord>(e =>
        {
            e.ToTable("care_complaint_transitions");
            e.HasKey(x => x.Id);
            e.Property(x => x.ActorId).HasMaxLength(64);
            e.Property(x => x.ActorName).HasMaxLength(200);
            e.Property(x => x.ActorRole).HasMaxLength(64);
            e.Property(x => x.Reason).HasMaxLength(4000);
        });

        modelBuilder.Entity<ComplaintPlanRecord>(e =>
        {
            e.ToTable("care_complaint_plans");
            e.HasKey(x => x.Id);
            e.Property(x => x.Measures).HasMaxLength(4000);
            e.Property(x => x.ResponsiblePerson).HasMaxLength(64);
            e.Property(x => x.By).HasMaxLength(64);
            e.HasIndex(x => new { x.ComplaintId, x.Number }).IsUnique();
        });

        modelBuilder.Entity<ComplaintProgressRecord>(e =>
        {
            e.ToTable("care_complaint_progress");
            e.HasKey(x => x.Id);
            e.Property(x => x.Message).HasMaxLength(4000);
            e.Property(x => x.By).HasMaxLength(64);
        });

        modelBuilder.Entity<ComplaintRevisitRecord>(e =>
        {
            e.ToTable("care_complaint_revisits");
            e.HasKey(x => x.Id);
            e.Property(x => x.Comment).HasMaxLength(4000);
            e.Property(x => x.By).HasMaxLength(64);
        });

        modelBuilder.Entity<SurveyRecord>(e =>
        {
            e.ToTable("care_surveys");
            e.HasKey(x => x.Id);
            e.Property(x => x.SubjectId).HasMaxLength(64);
            e.Property(x => x.Comment).HasMaxLength(4000);
            e.Property(x => x.RecordedBy).HasMaxLength(64);
            e.Property(x => x.Team).HasMaxLength(64);
            e.Property(x => x.EngineerId).HasMaxLength(64);
            e.Property(x => x.ChargerModel).HasMaxLength(64);
            e.Property(x => x.Version).IsConcurrencyToken();
            // One survey per subject: the database refuses a second one even when two requests race.
            e.HasIndex(x => new { x.Subject, x.SubjectId }).IsUnique();
            e.HasIndex(x => x.At);
        });
    }
}

/// <summary>The SQLite flavour of <see cref="CareDb"/> (its migrations are in Migrations/Sqlite).</summary>
public sealed class SqliteCareDb(DbContextOptions options) : CareDb(options);

/// <summary>The PostgreSQL flavour of <see cref="CareDb"/> (its migrations are in Migrations/Postgres).</summary>
public sealed class PostgresCareDb(DbContextOptions options) : CareDb(options);

/// <summary>Design-time factory for <c>dotnet ef migrations add --context SqliteCareDb</c>.</summary>
public sealed class SqliteCareDbDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCareDb>
{
    /// <inheritdoc />
    public SqliteCareDb CreateDbContext(string[] args) => new(DomainDbOptions.DesignTime(DomainDbProvider.Sqlite, CareDb.HistoryTable));
}

/// <summary>Design-time factory for <c>dotnet ef migrations add --context PostgresCareDb</c>.</summary>
public sealed class PostgresCareDbDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCareDb>
{
    /// <inheritdoc />
    public PostgresCareDb CreateDbContext(string[] args) => new(DomainDbOptions.DesignTime(DomainDbProvider.Postgres, CareDb.HistoryTable));
}
