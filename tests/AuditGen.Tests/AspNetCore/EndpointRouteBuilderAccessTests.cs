using AuditGen.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AuditGen.Tests.AspNetCore;

/// <summary>
/// AuditGen's zero-call hook-up reads the endpoint route builder that UseRouting() keeps under a private key. If an
/// ASP.NET Core release moves it, this test fails (and apps log AuditGen's warning 30 at start-up).
/// </summary>
public sealed class EndpointRouteBuilderAccessTests
{
    [Fact]
    public void UseRouting_keeps_the_endpoint_route_builder_whose_data_sources_the_application_maps_into()
    {
        using var services = new ServiceCollection().AddLogging().AddRouting().BuildServiceProvider();
        var app = new ApplicationBuilder(services);
        Assert.False(EndpointRouteBuilderAccess.TryGet(app, out _));

        app.UseRouting();
        app.UseEndpoints(endpoints => endpoints.MapGet("/mapped", () => "ok"));

        Assert.True(EndpointRouteBuilderAccess.TryGet(app, out var routes), $"ASP.NET Core no longer keeps the endpoint route builder under '{EndpointRouteBuilderAccess.Key}'.");
        var endpoint = Assert.IsType<RouteEndpoint>(Assert.Single(routes.DataSources.SelectMany(static source => source.Endpoints)));
        Assert.Equal("/mapped", endpoint.RoutePattern.RawText);
    }
}
