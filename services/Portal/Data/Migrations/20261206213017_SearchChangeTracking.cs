using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scop.Aspire.Portal.Data.Migrations
{
    /// <summary>
    /// Each item carries the id of the transaction that last changed it (<c>search_changed</c>), set by a trigger, so
    /// the search index in memory can read what changed since its last look: every change to an item, and every item
    /// of a site closed, reopened or renamed.
    /// </summary>
    public partial class SearchChangeTracking : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE items ADD COLUMN search_changed xid8 NOT NULL DEFAULT pg_current_xact_id()");
            migrationBuilder.Sql("CREATE INDEX ix_items_search_changed ON items (search_changed)");
            migrationBuilder.Sql(
                """
                CREATE FUNCTION items_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.search_changed := pg_current_xact_id();
                    RETURN NEW;
                END $$
                """);
            migrationBuilder.Sql(
                "CREATE TRIGGER items_search_changed BEFORE INSERT OR UPDATE ON items FOR EACH ROW EXECUTE FUNCTION items_search_changed()");
            migrationBuilder.Sql(
                """
                CREATE FUNCTION sites_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE items SET search_changed = pg_current_xact_id() WHERE site_id = NEW.id;
                    RETURN NULL;
                END $$
                """);
            migrationBuilder.Sql(
                """
                CREATE TRIGGER sites_search_changed AFTER UPDATE OF closed, slug ON sites FOR EACH ROW
                WHEN (OLD.closed IS DISTINCT FROM NEW.closed OR OLD.slug IS DISTINCT FROM NEW.slug)
                EXECUTE FUNCTION sites_search_changed()
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER sites_search_changed ON sites");
            migrationBuilder.Sql("DROP FUNCTION sites_search_changed()");
            migrationBuilder.Sql("DROP TRIGGER items_search_changed ON items");
            migrationBuilder.Sql("DROP FUNCTION items_search_changed()");
            migrationBuilder.Sql("ALTER TABLE items DROP COLUMN search_changed");
        }
    }
}
