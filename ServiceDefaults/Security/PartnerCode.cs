using System.Text.RegularExpressions;

namespace Scop.Aspire.ServiceDefaults.Security;

/// <summary>
/// A partner's stable short name (<c>credit-cooperatif</c>): partner-hooks registers the partner by it, its machine
/// client is named by it (the token's <c>client_id</c>), and what is addressed to one partner names it.
/// </summary>
public static partial class PartnerCode
{
    public const int MaxLength = 50;

    public const string Help = "Lower-case letters, digits and dashes, e.g. credit-cooperatif.";

    public static bool IsValid(string code) => code.Length <= MaxLength && Pattern().IsMatch(code);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex Pattern();
}
