using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Scop.Aspire.ServiceDefaults.Http;

/// <summary>
/// Makes every service's OpenAPI document a contract a client can be generated from (DESIGN.md §7), beside
/// <see cref="ApiContract"/>'s one schema per type: the identity service's security schemes declared and each
/// operation's requirement stated (anonymous ones say so), and the error answers listed as ProblemDetails.
/// </summary>
public static class OpenApiDocuments
{
    public const string SecurityScheme = "oauth2";
    public const string ProblemSchema = "ProblemDetails";

    /// <summary>The defaults of every document: a description, a licence, error answers.</summary>
    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Description ??= "Through the gateway. Errors are RFC 9457 ProblemDetails.";
            document.Info.License ??= new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" };
            document.Components ??= new OpenApiComponents();
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas.TryAdd(ProblemSchema, ProblemDetailsSchema());
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            operation.Responses ??= new OpenApiResponses();
            var document = context.Document!;
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (context.Description.ParameterDescriptions.Any(p => p.Source.Id is "Path"))
            {
                AddProblem(operation, document, "404", "Not found, or outside the caller's scope.");
            }

            if (!metadata.OfType<IAllowAnonymous>().Any())
            {
                AddProblem(operation, document, "401", "No valid access token of this service's audience.");
                AddProblem(operation, document, "403", "The caller's role may not do this.");
            }

            AddProblem(operation, document, "429", "Too many requests (the gateway's rate limit); see Retry-After.");
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// Declares the identity service's OAuth 2 flows (code + PKCE for people, client credentials for machines) and
    /// each operation's requirement: the <paramref name="audience"/> scope, or none for an anonymous endpoint.
    /// </summary>
    public static void AddPlatformSecurity(this IServiceCollection services, string audience) =>
        services.Configure<OpenApiOptions>("v1", options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                var scopes = new Dictionary<string, string> { [audience] = $"The {audience} API" };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SecurityScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.OAuth2,
                    Description = "Access tokens (RS256, at+jwt) of the platform's identity service, behind the gateway.",
                    Flows = new OpenApiOAuthFlows
                    {
                        AuthorizationCode = new OpenApiOAuthFlow
                        {
                            AuthorizationUrl = new Uri("/connect/authorize", UriKind.Relative),
                            TokenUrl = new Uri("/connect/token", UriKind.Relative),
                            RefreshUrl = new Uri("/connect/token", UriKind.Relative),
                            Scopes = new Dictionary<string, string>(scopes),
                        },
                        ClientCredentials = new OpenApiOAuthFlow
                        {
                            TokenUrl = new Uri("/connect/token", UriKind.Relative),
                            Scopes = new Dictionary<string, string>(scopes),
                        },
                    },
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var anonymous = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any();
                operation.Security = anonymous
                    ? []
                    : [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecurityScheme, context.Document)] = [audience] }];
                return Task.CompletedTask;
            });
        });

    private static void AddProblem(OpenApiOperation operation, OpenApiDocument document, string status, string description)
    {
        if (operation.Responses!.ContainsKey(status))
        {
            return;
        }

        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
            },
        };
    }

    private static OpenApiSchema ProblemDetailsSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details.",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["requestId"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "The request's public id, as the gateway logs it." },
        },
        AdditionalProperties = new OpenApiSchema(),
    };
}
