using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Charger.Cloud.FieldService.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MaintenanceLog : Migration
    {
        /// <inheritdoc />
        /// <remarks>Hand-edited: the generated drop and create would lose the rows; the table is renamed and keeps them
        /// (the records' data of release 5 is filled from the stored events at start, FieldServiceProjector.CompleteEarlierRowsAsync).</remarks>
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // SQLite renames no index: it is dropped and made again under the new name.
            migrationBuilder.DropIndex(name: "IX_service_record_links_work_order_id", table: "service_record_links");
            migrationBuilder.RenameTable(name: "service_record_links", newName: "maintenance_log");
            migrationBuilder.CreateIndex(name: "IX_maintenance_log_work_order_id", table: "maintenance_log", column: "work_order_id");
            migrationBuilder.AddColumn<string>(name: "data", table: "maintenance_log", type: "TEXT", nullable: true);
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
            migrationBuilder.DropIndex(name: "IX_maintenance_log_work_order_id", table: "maintenance_log");
            migrationBuilder.RenameTable(name: "maintenance_log", newName: "service_record_links");
            migrationBuilder.CreateIndex(name: "IX_service_record_links_work_order_id", table: "service_record_links", column: "work_order_id");
        }
    }
}
