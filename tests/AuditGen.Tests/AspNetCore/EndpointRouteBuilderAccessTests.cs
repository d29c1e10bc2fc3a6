using AuditGen.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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

    [Fact]
    public async Task A_minimal_API_app_that_never_calls_UseRouting_is_hooked_up_too()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddAuditGen().UseInMemoryStore();
        await using var app = builder.Build();
        app.MapGet("/ping", [Audited("ping.sent")] () => "pong");
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        Assert.Equal("pong", await client.GetStringAsync("/ping"));

        // The startup filter found the route builder WebApplication's implicit UseRouting() kept, and wrapped its sources.
        var routes = (IEndpointRouteBuilder)app;
        Assert.NotEmpty(routes.DataSources);
        Assert.All(routes.DataSources, static source => Assert.IsType<AuditingEndpointDataSource>(source));
    }
}
