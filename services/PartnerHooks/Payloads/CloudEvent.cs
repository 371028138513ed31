using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scop.Aspire.PartnerHooks.Payloads;

/// <summary>A CloudEvents 1.0 event in the structured JSON mode (<c>application/cloudevents+json</c>).</summary>
public sealed record CloudEvent(
    [property: JsonPropertyName("specversion")] string SpecVersion,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("datacontenttype")] string DataContentType,
    [property: JsonPropertyName("data")] object Data)
{
    public const string MediaType = "application/cloudevents+json";
    public const string MembershipSource = "/scop/membership";
    public const string PartnerHooksSource = "/scop/partner-hooks";
    public const string RepriseWatchSource = "/scop/reprise-watch";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static CloudEvent Create(Guid id, string source, string type, DateTimeOffset time, object data) =>
        new("1.0", id.ToString(), source, type, time.ToUniversalTime(), "application/json", data);

    /// <summary>The exact bytes every attempt sends (and signs).</summary>
    public string Serialize() => JsonSerializer.Serialize(this, Json);
}
