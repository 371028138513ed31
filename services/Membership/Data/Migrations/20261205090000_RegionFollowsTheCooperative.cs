using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scop.Aspire.Membership.Data.Migrations
{
    /// <summary>
    /// A row of a cooperative's people, membership or declared events, and a mandate of one of its people, takes its
    /// regional union from the cooperative (the person) when it is inserted, read under a key-share lock. A cooperative
    /// that moves to another région is locked <c>FOR UPDATE</c> first (with its people), which waits for inserts in
    /// flight and makes later ones wait, then read the new union: whatever the timing, no row keeps the old union after
    /// the move commits, so the old union's delegates lose sight of everything at once.
    /// </summary>
    [DbContext(typeof(MembershipDbContext))]
    [Migration("20261205090000_RegionFollowsTheCooperative")]
    public partial class RegionFollowsTheCooperative : Migration
    {
        private static readonly string[] OfTheCooperative = ["people", "memberships", "cooperative_events"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                CREATE FUNCTION regional_union_of_the_cooperative() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE current_union text;
                BEGIN
                    SELECT c.regional_union INTO current_union FROM cooperatives c WHERE c.id = NEW.cooperative_id FOR KEY SHARE;
                    IF FOUND THEN
                        NEW.regional_union := current_union;
                    END IF;
                    RETURN NEW; -- no such cooperative: the foreign key refuses the row
                END $$;
                CREATE FUNCTION regional_union_of_the_person() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE current_union text;
                BEGIN
                    SELECT p.regional_union INTO current_union FROM people p WHERE p.id = NEW.person_id FOR KEY SHARE;
                    IF FOUND THEN
                        NEW.regional_union := current_union;
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER regional_union_of_the_person BEFORE INSERT ON mandates
                    FOR EACH ROW EXECUTE FUNCTION regional_union_of_the_person();
                """);
            foreach (var table in OfTheCooperative)
            {
                migrationBuilder.Sql($"""
                    CREATE TRIGGER regional_union_of_the_cooperative BEFORE INSERT ON {table}
                        FOR EACH ROW EXECUTE FUNCTION regional_union_of_the_cooperative();
                    """);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in OfTheCooperative)
            {
                migrationBuilder.Sql($"DROP TRIGGER regional_union_of_the_cooperative ON {table};");
            }

            migrationBuilder.Sql(
                """
                DROP TRIGGER regional_union_of_the_person ON mandates;
                DROP FUNCTION regional_union_of_the_person();
                DROP FUNCTION regional_union_of_the_cooperative();
                """);
        }
    }
}
