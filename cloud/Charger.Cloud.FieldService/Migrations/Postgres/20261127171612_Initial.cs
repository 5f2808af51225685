using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Charger.Cloud.FieldService.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "alarms",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    charger_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    severity = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    component = table.Column<string>(type: "text", nullable: true),
                    message = table.Column<string>(type: "text", nullable: true),
                    blocks_charging = table.Column<bool>(type: "boolean", nullable: false),
                    status = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    active_key = table.Column<string>(type: "character varying(130)", maxLength: 130, nullable: true),
                    raised_at = table.Column<long>(type: "bigint", nullable: false),
                    raised_seq = table.Column<long>(type: "bigint", nullable: true),
                    last_raised_at = table.Column<long>(type: "bigint", nullable: false),
                    raise_count = table.Column<int>(type: "integer", nullable: false),
                    cleared_at = table.Column<long>(type: "bigint", nullable: true),
                    cleared_seq = table.Column<long>(type: "bigint", nullable: true),
                    acknowledged_at = table.Column<long>(type: "bigint", nullable: true),
                    acknowledged_by = table.Column<string>(type: "text", nullable: true),
                    assigned_to = table.Column<string>(type: "text", nullable: true),
                    assigned_at = table.Column<long>(type: "bigint", nullable: true),
                    work_order_id = table.Column<long>(type: "bigint", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alarms", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "blocked_chargers",
                columns: table => new
                {
                    charger_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    blocked_at = table.Column<long>(type: "bigint", nullable: false),
                    blocked_by = table.Column<string>(type: "text", nullable: false),
                    work_order_id = table.Column<long>(type: "bigint", nullable: true),
                    reason = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_blocked_chargers", x => x.charger_id);
                });

            migrationBuilder.CreateTable(
                name: "service_projector_cursors",
                columns: table => new
                {
                    charger_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    seq = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_service_projector_cursors", x => x.charger_id);
                });

            migrationBuilder.CreateTable(
                name: "service_record_links",
                columns: table => new
                {
                    charger_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    seq = table.Column<long>(type: "bigint", nullable: false),
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    ts = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    engineer_id = table.Column<string>(type: "text", nullable: false),
                    work_order_ref = table.Column<string>(type: "text", nullable: true),
                    work_order_id = table.Column<long>(type: "bigint", nullable: true),
                    match = table.Column<string>(type: "text", nullable: false),
                    customer_confirmed = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_service_record_links", x => new { x.charger_id, x.seq });
                });

            migrationBuilder.CreateTable(
                name: "sla_policies",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    tier = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    priority = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    response_minutes = table.Column<long>(type: "bigint", nullable: false),
                    resolution_minutes = table.Column<long>(type: "bigint", nullable: false),
                    calendar_json = table.Column<string>(type: "text", nullable: true),
                    updated_at = table.Column<long>(type: "bigint", nullable: false),
                    updated_by = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sla_policies", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "work_orders",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    kind = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    state = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    priority = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    channel = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    charger_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    customer_id = table.Column<string>(type: "text", nullable: true),
                    tier = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    description = table.Column<string>(type: "text", nullable: false),
                    fault_code = table.Column<string>(type: "text", nullable: true),
                    alarm_id = table.Column<long>(type: "bigint", nullable: true),
                    source_key = table.Column<string>(type: "text", nullable: true),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<long>(type: "bigint", nullable: false),
                    remote_checks = table.Column<string>(type: "text", nullable: true),
                    engineer_id = table.Column<string>(type: "text", nullable: true),
                    team = table.Column<string>(type: "text", nullable: true),
                    agreed_arrival_at = table.Column<long>(type: "bigint", nullable: true),
                    return_state = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    escalation_reason = table.Column<string>(type: "text", nullable: true),
                    decision = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    responded_at = table.Column<long>(type: "bigint", nullable: true),
                    en_route_at = table.Column<long>(type: "bigint", nullable: true),
                    on_site_at = table.Column<long>(type: "bigint", nullable: true),
                    resolved_at = table.Column<long>(type: "bigint", nullable: true),
                    last_resolved_at = table.Column<long>(type: "bigint", nullable: true),
                    resolution = table.Column<string>(type: "text", nullable: true),
                    confirmed_at = table.Column<long>(type: "bigint", nullable: true),
                    closed_at = table.Column<long>(type: "bigint", nullable: true),
                    cancelled_at = table.Column<long>(type: "bigint", nullable: true),
                    cancel_reason = table.Column<string>(type: "text", nullable: true),
                    response_target_minutes = table.Column<long>(type: "bigint", nullable: false),
                    resolution_target_minutes = table.Column<long>(type: "bigint", nullable: false),
                    calendar_json = table.Column<string>(type: "text", nullable: true),
                    response_breached_at = table.Column<long>(type: "bigint", nullable: true),
                    resolution_breached_at = table.Column<long>(type: "bigint", nullable: true),
                    not_fixed_first_time = table.Column<bool>(type: "boolean", nullable: false),
                    repeat_work_order_id = table.Column<long>(type: "bigint", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_work_orders", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "alarm_history",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    alarm_id = table.Column<long>(type: "bigint", nullable: false),
                    at = table.Column<long>(type: "bigint", nullable: false),
                    action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    actor_id = table.Column<string>(type: "text", nullable: false),
                    actor_name = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: true),
                    seq = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alarm_history", x => x.id);
                    table.ForeignKey(
                        name: "FK_alarm_history_alarms_alarm_id",
                        column: x => x.alarm_id,
                        principalTable: "alarms",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "work_order_pauses",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    work_order_id = table.Column<long>(type: "bigint", nullable: false),
                    waiting = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    from = table.Column<long>(type: "bigint", nullable: false),
                    to = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_work_order_pauses", x => x.id);
                    table.ForeignKey(
                        name: "FK_work_order_pauses_work_orders_work_order_id",
                        column: x => x.work_order_id,
                        principalTable: "work_orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "work_order_transitions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    work_order_id = table.Column<long>(type: "bigint", nullable: false),
                    at = table.Column<long>(type: "bigint", nullable: false),
                    action = table.Column<string>(type: "text", nullable: false),
                    from_state = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    to_state = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    actor_id = table.Column<string>(type: "text", nullable: false),
                    actor_name = table.Column<string>(type: "text", nullable: false),
                    actor_role = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_work_order_transitions", x => x.id);
                    table.ForeignKey(
                        name: "FK_work_order_transitions_work_orders_work_order_id",
                        column: x => x.work_order_id,
                        principalTable: "work_orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_alarm_history_alarm_id",
                table: "alarm_history",
                column: "alarm_id");

            migrationBuilder.CreateIndex(
                name: "IX_alarms_active_key",
                table: "alarms",
                column: "active_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_alarms_charger_id_code",
                table: "alarms",
                columns: new[] { "charger_id", "code" });

            migrationBuilder.CreateIndex(
                name: "IX_alarms_status",
                table: "alarms",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "IX_service_record_links_work_order_id",
                table: "service_record_links",
                column: "work_order_id");

            migrationBuilder.CreateIndex(
                name: "IX_sla_policies_tier_priority",
                table: "sla_policies",
                columns: new[] { "tier", "priority" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_work_order_pauses_work_order_id",
                table: "work_order_pauses",
                column: "work_order_id");

            migrationBuilder.CreateIndex(
                name: "IX_work_order_transitions_work_order_id",
                table: "work_order_transitions",
                column: "work_order_id");

            migrationBuilder.CreateIndex(
                name: "IX_work_orders_charger_id_state",
                table: "work_orders",
                columns: new[] { "charger_id", "state" });

            migrationBuilder.CreateIndex(
                name: "IX_work_orders_engineer_id",
                table: "work_orders",
                column: "engineer_id");

            migrationBuilder.CreateIndex(
                name: "IX_work_orders_source_key",
                table: "work_orders",
                column: "source_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_work_orders_state",
                table: "work_orders",
                column: "state");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alarm_history");

            migrationBuilder.DropTable(
                name: "blocked_chargers");

            migrationBuilder.DropTable(
                name: "service_projector_cursors");

            migrationBuilder.DropTable(
                name: "service_record_links");

            migrationBuilder.DropTable(
                name: "sla_policies");

            migrationBuilder.DropTable(
                name: "work_order_pauses");

            migrationBuilder.DropTable(
                name: "work_order_transitions");

            migrationBuilder.DropTable(
                name: "alarms");

            migrationBuilder.DropTable(
                name: "work_orders");
        }
    }
}
