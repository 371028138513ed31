using Scop.Aspire.Membership.Domain;
using Scop.Aspire.ReferenceData;

namespace Scop.Aspire.Membership.Tests;

public sealed class SearchTextTests
{
    [Theory]
    [InlineData("Énergies Solidaires", "energies solidaires")]
    [InlineData("ŒUVRES d'Art", "oeuvres d'art")]
    [InlineData("Cœur de Ville", "coeur de ville")]
    [InlineData("Ex æquo", "ex aequo")]
    [InlineData("Ça Crée Là-Bas", "ca cree la-bas")]
    [InlineData("Straße 100% bio_", "strasse 100% bio_")] // wildcards stay as they are: the search escapes them
    [InlineData("atelier", "atelier")]
    public void Names_and_words_fold_to_lower_case_without_accents(string text, string folded)
    {
        Assert.Equal(folded, SearchText.Fold(text));
    }
}

public sealed class SirenTests
{
    [Theory]
    [InlineData("552100554", "552100554")] // a long-registered company's SIREN
    [InlineData("732829320", "732829320")]
    [InlineData("356000000", "356000000")] // La Poste
    [InlineData("552 100 554", "552100554")] // as people type it
    [InlineData(" 732829320 ", "732829320")]
    public void Real_sirens_are_accepted_and_normalised(string input, string expected)
    {
        Assert.True(Siren.TryNormalize(input, out var siren));
        Assert.Equal(expected, siren);
    }

    [Theory]
    [InlineData("552100555")] // wrong check key
    [InlineData("552100553")]
    [InlineData("732829321")]
    [InlineData("55210055A")] // a letter
    [InlineData("ABCDEFGHI")]
    [InlineData("55210055")] // 8 digits
    [InlineData("5521005540")] // 10 digits
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("５５２１００５５４")] // full-width digits are digits, but not ASCII ones
    public void Anything_else_is_refused(string? input)
    {
        Assert.False(Siren.TryNormalize(input, out _));
    }

    [Theory]
    [InlineData("55210055", '4')]
    [InlineData("73282932", '0')]
    public void The_luhn_key_completes_the_first_eight_digits(string firstEight, char key)
    {
        Assert.Equal(key, Siren.LuhnKey(firstEight));
    }

    [Fact]
    public void Exactly_one_key_in_ten_is_valid_for_any_eight_digits()
    {
        foreach (var firstEight in new[] { "00000000", "12345678", "99999999", "55210055" })
        {
            var valid = Enumerable.Range(0, 10).Count(key => Siren.HasValidLuhnKey(firstEight + key));
            Assert.Equal(1, valid);
        }
    }
}

public sealed class ReferenceDataTests
{
    private static readonly FrenchReferenceData Reference = FrenchReferenceData.Load();

    [Fact]
    public void The_whole_naf_nomenclature_and_the_communes_are_shipped()
    {
        Assert.Equal(732, Reference.NafCodeCount); // NAF rév. 2 has 732 sub-classes
        Assert.InRange(Reference.CommuneCount, 34_000, 36_000);
    }

    [Theory]
    [InlineData("6201Z", "62.01Z")]
    [InlineData("62.01Z", "62.01Z")]
    [InlineData("62.01z", "62.01Z")]
    [InlineData(" 6201z ", "62.01Z")]
    [InlineData("0111Z", "01.11Z")]
    public void Naf_codes_are_normalised_to_the_canonical_form(string input, string expected)
    {
        Assert.True(Reference.TryNormalizeNafCode(input, out var code, out var label));
        Assert.Equal(expected, code);
        Assert.False(string.IsNullOrWhiteSpace(label));
    }

    [Fact]
    public void A_naf_code_comes_with_its_label()
    {
        Assert.True(Reference.TryNormalizeNafCode("6201Z", out _, out var label));
        Assert.Equal("Programmation informatique", label);
    }

    [Theory]
    [InlineData("99.99Z")] // well-formed, not in the nomenclature
    [InlineData("62.01A")]
    [InlineData("6201")]
    [InlineData("62.01ZZ")]
    [InlineData("62-01Z")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_or_malformed_naf_codes_are_refused(string? input)
    {
        Assert.False(Reference.TryNormalizeNafCode(input, out var code, out _));
        Assert.Equal("", code);
    }

    [Theory]
    [InlineData("69123", "Lyon", "69", "84")]
    [InlineData("75056", "Paris", "75", "11")]
    [InlineData("13055", "Marseille", "13", "93")]
    [InlineData("2A004", "Ajaccio", "2A", "94")]
    [InlineData("2a004", "Ajaccio", "2A", "94")]
    public void Communes_are_found_with_their_departement_and_region(string code, string name, string departement, string region)
    {
        var commune = Reference.FindCommune(code);
        Assert.NotNull(commune);
        Assert.Equal(name, commune.Name);
        Assert.Equal(departement, commune.Departement);
        Assert.Equal(region, commune.Region);
    }

    [Theory]
    [InlineData("99999")]
    [InlineData("69381")] // a municipal arrondissement of Lyon, not a commune
    [InlineData("6912")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_commune_codes_are_not_found(string? code)
    {
        Assert.Null(Reference.FindCommune(code));
    }
}
