using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scop.Aspire.Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class SitesContentGuideSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "link",
                table: "feed_items",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "region",
                table: "feed_items",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "sector",
                table: "feed_items",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "sites",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    slug = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    regional_union = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    cooperative_id = table.Column<Guid>(type: "uuid", nullable: true),
                    commune_code = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: true),
                    naf_code = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: true),
                    closed = table.Column<bool>(type: "boolean", nullable: false),
                    menu = table.Column<string>(type: "jsonb", nullable: false),
                    links = table.Column<List<string>>(type: "text[]", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    register_stated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sites", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "items",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    site_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    slug = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    summary = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    body_markdown = table.Column<string>(type: "text", nullable: false),
                    body_html = table.Column<string>(type: "text", nullable: false),
                    body_text = table.Column<string>(type: "text", nullable: false),
                    region = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    sector = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    theme = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    sheet = table.Column<string>(type: "jsonb", nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    publish_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    published_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    current_version = table.Column<int>(type: "integer", nullable: true),
                    updated_by = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_items", x => x.id);
                    table.ForeignKey(
                        name: "fk_items_sites_site_id",
                        column: x => x.site_id,
                        principalTable: "sites",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "guide_versions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    item_id = table.Column<Guid>(type: "uuid", nullable: true),
                    number = table.Column<int>(type: "integer", nullable: true),
                    title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    summary = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    body_markdown = table.Column<string>(type: "text", nullable: false),
                    body_html = table.Column<string>(type: "text", nullable: false),
                    body_text = table.Column<string>(type: "text", nullable: false),
                    theme = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    state = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    proposed_by = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    proposed_by_person = table.Column<Guid>(type: "uuid", nullable: true),
                    proposed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    reviewed_by = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    review_note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    reviewed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    published_by = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    published_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_guide_versions", x => x.id);
                    table.ForeignKey(
                        name: "fk_guide_versions_items_item_id",
                        column: x => x.item_id,
                        principalTable: "items",
                        principalColumn: "id");
                });

            migrationBuilder.CreateIndex(
                name: "ix_guide_versions_item_id_number",
                table: "guide_versions",
                columns: new[] { "item_id", "number" },
                unique: true,
                filter: "number IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_guide_versions_state_proposed_at",
                table: "guide_versions",
                columns: new[] { "state", "proposed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_items_site_id_slug",
                table: "items",
                columns: new[] { "site_id", "slug" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_items_site_id_status_published_at",
                table: "items",
                columns: new[] { "site_id", "status", "published_at" });

            migrationBuilder.CreateIndex(
                name: "ix_sites_cooperative_id",
                table: "sites",
                column: "cooperative_id",
                unique: true,
                filter: "cooperative_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_sites_slug",
                table: "sites",
                column: "slug",
                unique: true);

            // French full-text search: stems (french_stem) over folded accents (unaccent), so "coopératives" finds
            // "coopérative" and "cooperatives"; trigrams (pg_trgm) to correct typos against the words of the portal.
            // Both extensions ship with PostgreSQL (contrib) and are trusted: the database's owner creates them.
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS unaccent");
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS pg_trgm");
            migrationBuilder.Sql("CREATE TEXT SEARCH CONFIGURATION scop_french (COPY = pg_catalog.french)");
            migrationBuilder.Sql(
                "ALTER TEXT SEARCH CONFIGURATION scop_french ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem");
            // Title first (A), then summary, theme and the sheet's facts (B), then the body (C), of which the first
            // 200,000 characters: a tsvector holds at most 1 MB.
            migrationBuilder.Sql(
                """
                ALTER TABLE items ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('scop_french', title), 'A') ||
                    setweight(to_tsvector('scop_french', coalesce(summary, '') || ' ' || coalesce(theme, '') || ' ' ||
                        coalesce(sector, '') || ' ' || coalesce(sheet ->> 'problem', '') || ' ' ||
                        coalesce(sheet ->> 'whatWasDone', '') || ' ' || coalesce(sheet ->> 'results', '')), 'B') ||
                    setweight(to_tsvector('scop_french', left(body_text, 200000)), 'C')) STORED
                """);
            migrationBuilder.Sql("CREATE INDEX ix_items_search_vector ON items USING gin (search_vector) WHERE status = 'Published'");
            // The title alone, so that a title match ranks first without analysing every match's title at query time.
            migrationBuilder.Sql(
                "ALTER TABLE items ADD COLUMN title_vector tsvector GENERATED ALWAYS AS (to_tsvector('scop_french', title)) STORED");
            migrationBuilder.Sql("CREATE TABLE search_words (word text PRIMARY KEY)");
            migrationBuilder.Sql("CREATE INDEX ix_search_words_trigrams ON search_words USING gin (word gin_trgm_ops)");

            // The national sites: the confederation's, the regional unions' and the trade federations'. Cooperatives'
            // sites come with their CooperativeJoined; partners' are opened by staff.
            migrationBuilder.Sql(
                """
                INSERT INTO sites (id, slug, kind, name, regional_union, closed, menu, links, created_at) VALUES
                  (gen_random_uuid(), 'confederation', 'Confederation', 'Confédération générale des SCOP', NULL, false, '[]', '{}', now()),
                  (gen_random_uuid(), 'urscop-idf', 'RegionalUnion', 'URSCOP Île-de-France, Centre-Val de Loire et Outre-mer', 'urscop-idf', false, '[]', '{}', now()),
                  (gen_random_uuid(), 'urscop-bfc', 'RegionalUnion', 'URSCOP Bourgogne-Franche-Comté', 'urscop-bfc', false, '[]', '{}', now()),
                  (gen_random_uuid(), 'urscop-ouest', 'RegionalUnion', 'URSCOP Ouest (Bretagne, Pays de la Loire, Normandie)', 'urscop-ouest', false, '[]', '{}', now()),
                  (gen_random_uuid(), 'urscop-hdf', 'RegionalUnion', 'URSCOP Hauts-de-France', 'urscop-hdf', false, '[]', '{}', now()),
                  (gen_random_uuid(), 'urscop-grand-est', 'RegionalUnion', 'URSCOP Grand Est', 'urscop-grand-est', false, '[]', '{}', now()),
                  (gen_random_uuid(), 'urscop-nouvelle-aquitaine', 'RegionalUnion', 'URSCOP Nouvelle-Aquitaine', 'urscop-nouvelle-aquitaine', false, '[]', '{}', now()),
                  (gen_random_uuid(), 'urscop-occitanie', 'RegionalUnion', 'URSCOP Occitanie', 'urscop-occitanie', false, '[]', '{}', now()),
                  (gen_random_uuid(), 'urscop-aura', 'RegionalUnion', 'URSCOP Auvergne-Rhône-Alpes', 'urscop-aura', false, '[]', '{}', now()),
                  (gen_random_uuid(), 'urscop-paca', 'RegionalUnion', 'URSCOP Provence-Alpes-Côte d''Azur et Corse', 'urscop-paca', false, '[]', '{}', now()),
                  (gen_random_uuid(), 'scop-btp', 'Federation', 'Fédération des SCOP du BTP', NULL, false, '[]', '{}', now()),
                  (gen_random_uuid(), 'scop-industrie', 'Federation', 'Fédération des SCOP de l''Industrie', NULL, false, '[]', '{}', now()),
                  (gen_random_uuid(), 'scop-communication', 'Federation', 'Fédération de la Communication', NULL, false, '[]', '{}', now())
                ON CONFLICT (slug) DO NOTHING
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE search_words");
            migrationBuilder.Sql("ALTER TABLE items DROP COLUMN search_vector");
            migrationBuilder.Sql("ALTER TABLE items DROP COLUMN title_vector");
            migrationBuilder.Sql("DROP TEXT SEARCH CONFIGURATION scop_french");

            migrationBuilder.DropTable(
                name: "guide_versions");

            migrationBuilder.DropTable(
                name: "items");

            migrationBuilder.DropTable(
                name: "sites");

            migrationBuilder.DropColumn(
                name: "link",
                table: "feed_items");

            migrationBuilder.DropColumn(
                name: "region",
                table: "feed_items");

            migrationBuilder.DropColumn(
                name: "sector",
                table: "feed_items");
        }
    }
}
