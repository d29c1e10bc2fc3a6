using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace AuditGen.Sample.Identity;

/// <summary>Sign-in, succeeded or failed, audited with the actor taken from the attempt itself.</summary>
public static class SignInEndpoints
{
    public static void MapSignIn(this IEndpointRouteBuilder app)
    {
        // For curl and API clients: a bearer token. Failure is a 401, a request missing a field a 400: both recorded with outcome "failure".
        app.MapPost("/sign-in", [Audited("user.signed_in")][AuditMetadata("method", "password")] (SignInRequest body) =>
            MissingFields(body.Email, body.Password, body.Organization) is { Count: > 0 } missing
                ? Results.ValidationProblem(missing)
                : Check(body.Email, body.Password, body.Organization) is { } user
                    ? Results.SignIn(SampleIdentity.Principal(user, body.Email, BearerTokenDefaults.AuthenticationScheme), authenticationScheme: BearerTokenDefaults.AuthenticationScheme)
                    : Results.Unauthorized());

        // For a browser: the same check behind a form, answered with a cookie and a trip to the audit log viewer.
        app.MapGet("/login", (HttpContext context, IAntiforgery antiforgery) => Results.Content(LoginPage(antiforgery.GetAndStoreTokens(context), failed: false), "text/html"));
        app.MapGet("/access-denied", () => Results.Content(Page("No access", "<p>You do not have access to the audit log: it is for your organization's admins.</p>"), "text/html", statusCode: StatusCodes.Status403Forbidden));
        app.MapPost("/login", [Audited("user.signed_in")][AuditMetadata("method", "browser")] async ([FromForm] BrowserSignIn form, HttpContext context, IAntiforgery antiforgery) =>
        {
            if (Check(form.Email, form.Password, form.Organization) is not { } user)
            {
                return Results.Content(LoginPage(antiforgery.GetAndStoreTokens(context), failed: true), "text/html", statusCode: StatusCodes.Status401Unauthorized);
            }

            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, SampleIdentity.Principal(user, form.Email, CookieAuthenticationDefaults.AuthenticationScheme));
            return Results.Redirect("/audit/");
        });
    }

    /// <summary>The fields a sign-in attempt left out (JSON can leave any of them out, or null).</summary>
    private static Dictionary<string, string[]> MissingFields(string? email, string? password, string? organization)
    {
        var missing = new Dictionary<string, string[]>();
        foreach (var (name, value) in new[] { ("email", email), ("password", password), ("organization", organization) })
        {
            if (string.IsNullOrEmpty(value))
            {
                missing[name] = [$"The {name} is required."];
            }
        }

        return missing;
    }

    /// <summary>The user, when the password is right and they belong to the organization they are signing in to.</summary>
    private static SampleUser? Check(string email, string password, string organization) =>
        SampleIdentity.Users.TryGetValue(email, out var user) && user.Password == password && user.Organization == organization ? user : null;

    private static string LoginPage(AntiforgeryTokenSet tokens, bool failed) => Page("Sign in", $"""
          <h1>Sign in to the AuditGen sample</h1>
          {(failed ? "<p role=\"alert\"><strong>Wrong email, password or organization.</strong></p>" : "")}
          <form method="post" action="/login">
            <input type="hidden" name="{WebUtility.HtmlEncode(tokens.FormFieldName)}" value="{WebUtility.HtmlEncode(tokens.RequestToken)}">
            <p><label for="email">Email</label> <input id="email" name="email" type="email" autocomplete="username" required></p>
            <p><label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password" required></p>
            <p><label for="organization">Organization</label>
               <select id="organization" name="organization"><option value="org_acme">Acme (org_acme)</option><option value="org_globex">Globex (org_globex)</option></select></p>
            <p><button type="submit">Sign in</button></p>
          </form>
          <p>Development users: alice@acme.test / alice-password (admin, Acme), bob@acme.test / bob-password (member, Acme),
             carol@globex.test / carol-password (admin, Globex).</p>
        """);

    private static string Page(string title, string body) => $"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
        <body>{body}</body></html>
        """;
}

/// <param name="Email">Who is signing in: the event's actor, whether or not it succeeds.</param>
/// <param name="Password">Never audited.</param>
/// <param name="Organization">The organization the attempt is for (the event's organization).</param>
public sealed record SignInRequest([property: AuditActor, AuditTarget("user")] string Email, string Password, [property: AuditOrganization] string Organization);

public sealed record BrowserSignIn([property: AuditActor, AuditTarget("user")] string Email, string Password, [property: AuditOrganization] string Organization);
