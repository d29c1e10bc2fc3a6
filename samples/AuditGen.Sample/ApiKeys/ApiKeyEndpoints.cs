using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AuditGen.Sample.ApiKeys;

/// <summary>API keys: the secret is shown once and never audited; the key's id and name are.</summary>
public static class ApiKeyEndpoints
{
    public static void MapApiKeys(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api-keys").RequireAuthorization();
        keys.MapPost("/", [Audited("api_key.created")][return: AuditTarget("api_key")] (CreateApiKey body, ClaimsPrincipal user, SampleData data) =>
        {
            var secret = $"sk_sample_{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))}";
            var key = new ApiKey(SampleData.NewId("key"), body.Name, secret[..14]);
            data.ApiKeys[(user.FindFirstValue("org_id")!, key.Id)] = key;
            return TypedResults.Created($"/api-keys/{key.Id}", new CreatedApiKey(key.Id, key.Name, secret));
        });
        keys.MapDelete("/{keyId}", [Audited("api_key.revoked")] Results<NoContent, NotFound> ([AuditTarget("api_key")] string keyId, ClaimsPrincipal user, SampleData data) =>
            data.ApiKeys.TryRemove((user.FindFirstValue("org_id")!, keyId), out _) ? TypedResults.NoContent() : TypedResults.NotFound());
    }
}

public sealed record CreateApiKey([property: AuditMetadata("key_name")][StringLength(100)] string Name);

public sealed record CreatedApiKey(string Id, string Name, string Secret);
