using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Scop.Aspire.Identity.Data.Migrations
{
    /// <inheritdoc />
    public partial class SignInAttempts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "sign_in_attempts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    client_address = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    account = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sign_in_attempts", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_sign_in_attempts_account_started_at",
                table: "sign_in_attempts",
                columns: new[] { "account", "started_at" });

            migrationBuilder.CreateIndex(
                name: "ix_sign_in_attempts_client_address_started_at",
                table: "sign_in_attempts",
                columns: new[] { "client_address", "started_at" });

            migrationBuilder.CreateIndex(
                name: "ix_sign_in_attempts_started_at",
                table: "sign_in_attempts",
                column: "started_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sign_in_attempts");
        }
    }
}
