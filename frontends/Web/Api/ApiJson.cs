using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scop.Aspire.Web.Api
{
    /// <summary>
    /// The APIs' JSON conventions (enums by name, camelCase) for the generated clients. Each client reads answers as
    /// text first: streamed, an error's ProblemDetails would reach <see cref="ApiException"/> without its body.
    /// </summary>
    internal static class ApiJson
    {
        public static void Configure(JsonSerializerOptions options)
        {
            options.PropertyNameCaseInsensitive = true;
            options.Converters.Add(new JsonStringEnumConverter());
        }
    }
}

namespace Scop.Aspire.Web.Api.Membership
{
    public partial class MembershipClient
    {
        static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => ApiJson.Configure(settings);

        // Errors keep their body's text, which ApiException.Problem reads (field errors included).
        partial void Initialize() => ReadResponseAsString = true;
    }
}

namespace Scop.Aspire.Web.Api.Portal
{
    public partial class PortalClient
    {
        static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => ApiJson.Configure(settings);

        // Errors keep their body's text, which ApiException.Problem reads (field errors included).
        partial void Initialize() => ReadResponseAsString = true;
    }
}

namespace Scop.Aspire.Web.Api.Training
{
    public partial class TrainingClient
    {
        static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => ApiJson.Configure(settings);

        // Errors keep their body's text, which ApiException.Problem reads (field errors included).
        partial void Initialize() => ReadResponseAsString = true;
    }
}

namespace Scop.Aspire.Web.Api.PartnerHooks
{
    public partial class PartnerHooksClient
    {
        static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => ApiJson.Configure(settings);

        // Errors keep their body's text, which ApiException.Problem reads (field errors included).
        partial void Initialize() => ReadResponseAsString = true;
    }
}

namespace Scop.Aspire.Web.Api.Identity
{
    public partial class IdentityClient
    {
        static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => ApiJson.Configure(settings);

        // Errors keep their body's text, which ApiException.Problem reads (field errors included).
        partial void Initialize() => ReadResponseAsString = true;
    }
}

namespace Scop.Aspire.Web.Api.RepriseWatch
{
    public partial class RepriseWatchClient
    {
        static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => ApiJson.Configure(settings);

        // Errors keep their body's text, which ApiException.Problem reads (field errors and the rule a refusal names).
        partial void Initialize() => ReadResponseAsString = true;
    }
}

namespace Scop.Aspire.Web.Api.Ambassadors
{
    public partial class AmbassadorsClient
    {
        static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => ApiJson.Configure(settings);

        // Errors keep their body's text, which ApiException.Problem reads (field errors and the rule a refusal names).
        partial void Initialize() => ReadResponseAsString = true;
    }
}

namespace Scop.Aspire.Web.Api.RepriseWatch
{
    // A nullable enum is written in the documents as "null or the enum" (oneOf), of which NSwag makes an empty class:
    // each is given the enum's value here, read and written by its name as the API sends it.
    [JsonConverter(typeof(EnumOrNullConverter<Outcome, ProposalOutcome>))]
    public partial class Outcome : IEnumOrNull<ProposalOutcome>
    {
        public ProposalOutcome Value { get; set; }
    }

    [JsonConverter(typeof(EnumOrNullConverter<OwnerAgeBand2, OwnerAgeBand>))]
    public partial class OwnerAgeBand2 : IEnumOrNull<OwnerAgeBand>
    {
        public OwnerAgeBand Value { get; set; }
    }

    [JsonConverter(typeof(EnumOrNullConverter<LostReason2, LostReason>))]
    public partial class LostReason2 : IEnumOrNull<LostReason>
    {
        public LostReason Value { get; set; }
    }
}

namespace Scop.Aspire.Web.Api
{
    /// <summary>The class NSwag makes of a nullable enum, holding its value.</summary>
    public interface IEnumOrNull<TEnum> where TEnum : struct, Enum
    {
        TEnum Value { get; set; }
    }

    /// <summary>Reads and writes such a class as the enum's name (null stays null: the serializer does not call it then).</summary>
    internal sealed class EnumOrNullConverter<TWrapper, TEnum> : JsonConverter<TWrapper>
        where TWrapper : class, IEnumOrNull<TEnum>, new()
        where TEnum : struct, Enum
    {
        public override TWrapper Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && Enum.TryParse<TEnum>(reader.GetString(), out var value)
                ? new TWrapper { Value = value }
                : throw new JsonException($"Expected a name of {typeof(TEnum).Name}.");

        public override void Write(Utf8JsonWriter writer, TWrapper value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Value.ToString());
    }
}
