using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Charger.Cloud.FieldService.Migrations.Postgres
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
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "last_raised_event_id",
                table: "alarms",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "last_raised_seq",
                table: "alarms",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "latching",
                table: "alarms",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "unit",
                table: "alarms",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "value",
                table: "alarms",
                type: "double precision",
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
