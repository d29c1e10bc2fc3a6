using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace AuditGen.AspNetCore;

/// <summary>
/// Puts <see cref="AuditHttpMiddleware"/> first in the pipeline and, once the application has mapped
/// its endpoints, presents them through <see cref="AuditingEndpointDataSource"/>. Users call nothing.
/// </summary>
internal sealed partial class AuditStartupFilter(ILogger<AuditStartupFilter> logger) : IStartupFilter
{
    // Where UseRouting keeps the endpoint route builder whose data sources the routing middleware reads.
    private const string EndpointRouteBuilderKey = "__EndpointRouteBuilder";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<AuditHttpMiddleware>();
        next(app);

        if (app.Properties.TryGetValue(EndpointRouteBuilderKey, out var value) && value is IEndpointRouteBuilder routes)
        {
            var sources = routes.DataSources.ToArray();
            routes.DataSources.Clear();
            foreach (var source in sources)
            {
                routes.DataSources.Add(source as AuditingEndpointDataSource ?? new AuditingEndpointDataSource(source, app.ApplicationServices));
            }
        }
        else
        {
            LogNoEndpointRouting();
        }
    };

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "AuditGen found no endpoint routing in this application; audited endpoints are recorded from their metadata only (no parameters, bodies or results).")]
    private partial void LogNoEndpointRouting();
}
