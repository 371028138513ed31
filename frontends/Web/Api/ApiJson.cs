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
