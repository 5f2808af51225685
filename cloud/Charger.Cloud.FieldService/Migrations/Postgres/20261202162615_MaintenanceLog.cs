using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Charger.Cloud.FieldService.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class MaintenanceLog : Migration
    {
        /// <inheritdoc />
        /// <remarks>Hand-edited: the generated drop and create would lose the rows; the table is renamed and keeps them
        /// (the records' data of release 5 is filled from the stored events at start, FieldServiceProjector.CompleteEarlierRowsAsync).</remarks>
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(name: "PK_service_record_links", table: "service_record_links");
            migrationBuilder.RenameTable(name: "service_record_links", newName: "maintenance_log");
            migrationBuilder.RenameIndex(name: "IX_service_record_links_work_order_id", table: "maintenance_log", newName: "IX_maintenance_log_work_order_id");
            migrationBuilder.AlterColumn<string>(
                name: "charger_id", table: "maintenance_log", type: "character varying(64)", maxLength: 64, nullable: false, collation: "C",
                oldClrType: typeof(string), oldType: "character varying(64)", oldMaxLength: 64);
            migrationBuilder.AddPrimaryKey(name: "PK_maintenance_log", table: "maintenance_log", columns: new[] { "charger_id", "seq" });
            migrationBuilder.AddColumn<string>(name: "data", table: "maintenance_log", type: "text", nullable: true);
            migrationBuilder.CreateIndex(name: "IX_maintenance_log_engineer_id_ts", table: "maintenance_log", columns: new[] { "engineer_id", "ts" });
            migrationBuilder.CreateIndex(name: "IX_maintenance_log_ts_charger_id_seq", table: "maintenance_log", columns: new[] { "ts", "charger_id", "seq" });
            migrationBuilder.CreateIndex(name: "IX_maintenance_log_work_order_ref", table: "maintenance_log", column: "work_order_ref");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(name: "IX_maintenance_log_engineer_id_ts", table: "maintenance_log");
            migrationBuilder.DropIndex(name: "IX_maintenance_log_ts_charger_id_seq", table: "maintenance_log");
            migrationBuilder.DropIndex(name: "IX_maintenance_log_work_order_ref", table: "maintenance_log");
            migrationBuilder.DropColumn(name: "data", table: "maintenance_log");
            migrationBuilder.DropPrimaryKey(name: "PK_maintenance_log", table: "maintenance_log");
            migrationBuilder.AlterColumn<string>(
                name: "charger_id", table: "maintenance_log", type: "character varying(64)", maxLength: 64, nullable: false,
                oldClrType: typeof(string), oldType: "character varying(64)", oldMaxLength: 64, oldCollation: "C");
            migrationBuilder.RenameIndex(name: "IX_maintenance_log_work_order_id", table: "maintenance_log", newName: "IX_service_record_links_work_order_id");
            migrationBuilder.RenameTable(name: "maintenance_log", newName: "service_record_links");
            migrationBuilder.AddPrimaryKey(name: "PK_service_record_links", table: "service_record_links", columns: new[] { "charger_id", "seq" });
        }
    }
}
