using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Charger.Cloud.FieldService.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FaultDetails : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "cause",
                table: "alarms",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "last_raised_event_id",
                table: "alarms",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "last_raised_seq",
                table: "alarms",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "latching",
                table: "alarms",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "unit",
                table: "alarms",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "value",
                table: "alarms",
                type: "REAL",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "cause",
                table: "alarms");

            migrationBuilder.DropColumn(
                name: "last_raised_event_id",
                table: "alarms");

            migrationBuilder.DropColumn(
                name: "last_raised_seq",
                table: "alarms");

            migrationBuilder.DropColumn(
                name: "latching",
                table: "alarms");

            migrationBuilder.DropColumn(
                name: "unit",
                table: "alarms");

            migrationBuilder.DropColumn(
                name: "value",
                table: "alarms");
        }
    }
}
