using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace AuditGen.Sample.Identity;

/// <summary>
/// Real authentication for a sample: bearer tokens (ASP.NET Core's own, for curl) and a cookie (for the viewer in a
/// browser), over a fixed directory of users in two organizations. The claims carry what audit events need:
/// <c>sub</c> (the actor), <c>name</c>, and <c>org_id</c> (the organization).
/// </summary>
public static class SampleIdentity
{
    public const string AuditViewersPolicy = "AuditViewers";

    public const string AdminsPolicy = "Admins";

    /// <summary>email → (password, user id, name, organization, role). Development only.</summary>
    public static readonly IReadOnlyDictionary<string, SampleUser> Users = new Dictionary<string, SampleUser>(StringComparer.OrdinalIgnoreCase)
    {
        ["alice@acme.test"] = new("alice-password", "user_alice", "Alice Admin", "org_acme", "admin"),
        ["bob@acme.test"] = new("bob-password", "user_bob", "Bob Member", "org_acme", "member"),
        ["carol@globex.test"] = new("carol-password", "user_carol", "Carol Admin", "org_globex", "admin"),
    };

    public static IServiceCollection AddSampleIdentity(this IServiceCollection services)
    {
        services.AddAuthentication(options => options.DefaultScheme = "BearerOrCookie")
            .AddPolicyScheme("BearerOrCookie", "Bearer token or cookie", options => options.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 ? BearerTokenDefaults.AuthenticationScheme : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddBearerToken()
            .AddCookie(options =>
            {
                options.LoginPath = "/login";
                options.AccessDeniedPath = "/access-denied";
                options.Cookie.Name = "auditgen.sample";
                options.Cookie.SameSite = SameSiteMode.Strict;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(AuditViewersPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim("role", "admin"))
            .AddPolicy(AdminsPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim("role", "admin"));
        services.AddAntiforgery();
        return services;
    }

    public static ClaimsPrincipal Principal(SampleUser user, string email, string scheme) => new(new ClaimsIdentity(
        [
            new Claim("sub", user.Id),
            new Claim("name", user.Name),
            new Claim("email", email),
            new Claim("org_id", user.Organization),
            new Claim("role", user.Role),
        ],
        scheme,
        "name",
        "role"));
}

public sealed record SampleUser(string Password, string Id, string Name, string Organization, string Role);
