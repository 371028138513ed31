using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Scop.Aspire.ServiceDefaults.Http;

/// <summary>What the OpenAPI documents say beyond what the endpoints' signatures show.</summary>
public static class ApiContract
{
    /// <summary>Declares a request header the endpoint reads (its handler or a filter), so clients know to send it.</summary>
    public static TBuilder WithHeader<TBuilder>(this TBuilder endpoint, string name, bool required, int maxLength, string description)
        where TBuilder : IEndpointConventionBuilder =>
        endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Header,
                Required = required,
                Description = description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = maxLength },
            });
            return Task.CompletedTask;
        });

    /// <summary>
    /// One schema per type: a record nested in its feature class (the convention, <c>RegisterCooperative.Request</c>)
    /// is named after both (<c>RegisterCooperativeRequest</c>; a class named <c>…Endpoints</c> lends the rest of its
    /// name: <c>KitEndpoints.DeclareRequest</c> is <c>KitDeclareRequest</c>), so two features' <c>Request</c> records
    /// never share, and overwrite, one schema of the document.
    /// </summary>
    public static string? SchemaReferenceId(JsonTypeInfo type)
    {
        var id = OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        if (id is null || type.Type.DeclaringType is not { } feature || type.Type.IsGenericType)
        {
            return id;
        }

        var prefix = feature.Name.EndsWith("Endpoints", StringComparison.Ordinal) ? feature.Name[..^"Endpoints".Length] : feature.Name;
        return id.StartsWith(prefix, StringComparison.Ordinal) ? id : prefix + id;
    }
}
