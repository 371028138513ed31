using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.PartnerHooks.Domain;

/// <summary>A partner (a bank, most often) that receives the movement's events on its webhook endpoints.</summary>
public sealed class Partner
{
    public const int MaxNameLength = 200;
    public const int MaxCodeLength = PartnerCode.MaxLength;

    private Partner()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>Stable short name, e.g. <c>credit-cooperatif</c>: events addressed to one partner name it by this code.</summary>
    public string Code { get; private set; } = "";

    public string Name { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public static bool IsValidCode(string code) => PartnerCode.IsValid(code);

    public static Partner Register(string code, string name, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Code = code,
        Name = name,
        CreatedAt = now,
    };
}
