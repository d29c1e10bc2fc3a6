using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuditGen.AspNetCore;

/// <summary>
/// Puts <see cref="AuditHttpMiddleware"/> first in the pipeline and, once the application has mapped
/// its endpoints, presents them through <see cref="AuditingEndpointDataSource"/>. Users call nothing.
/// </summary>
internal sealed partial class AuditStartupFilter(ILogger<AuditStartupFilter> logger) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<AuditHttpMiddleware>();
        next(app);

        if (EndpointRouteBuilderAccess.TryGet(app, out var routes))
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

        WarnIfPolicyEvaluatorReplaced(app.ApplicationServices);
    };

    private void WarnIfPolicyEvaluatorReplaced(IServiceProvider services)
    {
        if (services.GetService<IServiceProviderIsService>()?.IsService(typeof(IAuthorizationService)) != true)
        {
            return;
        }

        using var scope = services.CreateScope();
        if (scope.ServiceProvider.GetService<IPolicyEvaluator>() is { } evaluator and not AuditPolicyEvaluator)
        {
            LogPolicyEvaluatorReplaced(evaluator.GetType().FullName);
        }
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "AuditGen found no endpoint routing in this application; audited endpoints are recorded from their metadata only (no parameters, bodies or results).")]
    private partial void LogNoEndpointRouting();

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "The policy evaluator {Evaluator} was registered after AddAuditGen(), so AuditGen does not see authorization refusals: a refusal answered with a redirect is recorded by its status code only. Register it before calling AddAuditGen() and AuditGen wraps it.")]
    private partial void LogPolicyEvaluatorReplaced(string? evaluator);
}
