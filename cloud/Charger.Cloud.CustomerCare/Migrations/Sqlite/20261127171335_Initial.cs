using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Charger.Cloud.CustomerCare.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "care_complaints",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CustomerId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Content = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    ChargerId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    WorkOrderId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Apology = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Investigator = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Cause = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    ResponsibleParty = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    PlanNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    PlanMeasures = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    PlanResponsiblePerson = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    PlanDeadline = table.Column<long>(type: "INTEGER", nullable: true),
                    LastRevisitScore = table.Column<int>(type: "INTEGER", nullable: true),
                    LessonsSummary = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    LessonsImprovement = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    ClosedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_care_complaints", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "care_inquiries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CustomerId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Content = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RoutedToUser = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RoutedToRole = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RoutedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PromisedReplyBy = table.Column<long>(type: "INTEGER", nullable: true),
                    Answer = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    AnsweredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AnsweredBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    AnsweredOnTheSpot = table.Column<bool>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_care_inquiries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "care_surveys",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SubjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Score = table.Column<int>(type: "INTEGER", nullable: false),
                    Comment = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Team = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    EngineerId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ChargerModel = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_care_surveys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "care_complaint_plans",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ComplaintId = table.Column<long>(type: "INTEGER", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    Measures = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    ResponsiblePerson = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Deadline = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    By = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_care_complaint_plans", x => x.Id);
                    table.ForeignKey(
                        name: "FK_care_complaint_plans_care_complaints_ComplaintId",
                        column: x => x.ComplaintId,
                        principalTable: "care_complaints",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "care_complaint_progress",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ComplaintId = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    By = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_care_complaint_progress", x => x.Id);
                    table.ForeignKey(
                        name: "FK_care_complaint_progress_care_complaints_ComplaintId",
                        column: x => x.ComplaintId,
                        principalTable: "care_complaints",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "care_complaint_revisits",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ComplaintId = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Score = table.Column<int>(type: "INTEGER", nullable: false),
                    Comment = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Satisfied = table.Column<bool>(type: "INTEGER", nullable: false),
                    By = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_care_complaint_revisits", x => x.Id);
                    table.ForeignKey(
                        name: "FK_care_complaint_revisits_care_complaints_ComplaintId",
                        column: x => x.ComplaintId,
                        principalTable: "care_complaints",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "care_complaint_transitions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ComplaintId = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    FromState = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ToState = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ActorId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ActorName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ActorRole = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_care_complaint_transitions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_care_complaint_transitions_care_complaints_ComplaintId",
                        column: x => x.ComplaintId,
                        principalTable: "care_complaints",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_care_complaint_plans_ComplaintId_Number",
                table: "care_complaint_plans",
                columns: new[] { "ComplaintId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_care_complaint_progress_ComplaintId",
                table: "care_complaint_progress",
                column: "ComplaintId");

            migrationBuilder.CreateIndex(
                name: "IX_care_complaint_revisits_ComplaintId",
                table: "care_complaint_revisits",
                column: "ComplaintId");

            migrationBuilder.CreateIndex(
                name: "IX_care_complaint_transitions_ComplaintId",
                table: "care_complaint_transitions",
                column: "ComplaintId");

            migrationBuilder.CreateIndex(
                name: "IX_care_complaints_CustomerId",
                table: "care_complaints",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_care_complaints_ReceivedAt",
                table: "care_complaints",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_care_complaints_State",
                table: "care_complaints",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_care_inquiries_CustomerId",
                table: "care_inquiries",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_care_inquiries_Status_PromisedReplyBy",
                table: "care_inquiries",
                columns: new[] { "Status", "PromisedReplyBy" });

            migrationBuilder.CreateIndex(
                name: "IX_care_surveys_At",
                table: "care_surveys",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_care_surveys_Subject_SubjectId",
                table: "care_surveys",
                columns: new[] { "Subject", "SubjectId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "care_complaint_plans");

            migrationBuilder.DropTable(
                name: "care_complaint_progress");

            migrationBuilder.DropTable(
                name: "care_complaint_revisits");

            migrationBuilder.DropTable(
                name: "care_complaint_transitions");

            migrationBuilder.DropTable(
                name: "care_inquiries");

            migrationBuilder.DropTable(
                name: "care_surveys");

            migrationBuilder.DropTable(
                name: "care_complaints");
        }
    }
}
