using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AuditGen.Tests.AspNetCore;

/// <summary>The viewer is never mapped without protection, nor over a store it cannot read.</summary>
public sealed class AuditLogViewerMappingTests
{
    [Fact]
    public async Task Without_a_policy_name_the_viewer_refuses_to_map()
    {
        await using var app = Build(services => services.AddAuditGen());

        var failure = Assert.Throws<ArgumentException>(() => app.MapAuditLogViewer("/audit", ""));

        Assert.StartsWith("MapAuditLogViewer needs the name of an authorization policy", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_policy_that_is_not_registered_is_named_in_the_error()
    {
        await using var app = Build(services => services.AddAuditGen());

        var failure = Assert.Throws<InvalidOperationException>(() => app.MapAuditLogViewer("/audit", "AuditViewers"));

        Assert.Contains("the authorization policy 'AuditViewers' is not registered", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_in_memory_store_cannot_be_viewed()
    {
        await using var app = Build(services =>
        {
            services.AddAuditGen().UseInMemoryStore();
            services.AddAuthorizationBuilder().AddPolicy("AuditViewers", policy => policy.RequireAuthenticatedUser());
        });

        var failure = Assert.Throws<InvalidOperationException>(() => app.MapAuditLogViewer("/audit", "AuditViewers"));

        Assert.Contains("the in-memory store cannot be viewed", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_registered_policy_every_viewer_route_requires_it()
    {
        await using var app = Build(services =>
        {
            services.AddAuditGen();
            services.AddAuthorizationBuilder().AddPolicy("AuditViewers", policy => policy.RequireAuthenticatedUser());
        });

        app.MapAuditLogViewer("/audit", "AuditViewers");

        var endpoints = ((Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints).OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText!.StartsWith("/audit", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["/audit/", "/audit/api/events", "/audit/api/events/{id}", "/audit/api/export", "/audit/api/verify", "/audit/assets/{name}"], endpoints.Select(e => e.RoutePattern.RawText).Order(StringComparer.Ordinal));
        Assert.All(endpoints, endpoint => Assert.Contains(endpoint.Metadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>(), data => data.Policy == "AuditViewers"));
    }

    private static WebApplication Build(Action<IServiceCollection> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["AuditGen:Sqlite:Path"] = Path.Combine(Path.GetTempPath(), $"auditgen-viewer-{Guid.NewGuid():N}.db");
        configure(builder.Services);
        return builder.Build();
    }
}
