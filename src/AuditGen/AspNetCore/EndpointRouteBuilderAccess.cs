using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace AuditGen.AspNetCore;

/// <summary>
/// AuditGen's one use of an ASP.NET Core detail that is not public API. <c>UseRouting()</c> keeps the endpoint route
/// builder whose data sources the routing middleware reads in <see cref="IApplicationBuilder.Properties"/>, under the
/// key <c>__EndpointRouteBuilder</c>; no public API hands it to a startup filter, and without it the application would
/// have to call something for its endpoints to be audited. A test fails if a framework release moves it, and at run
/// time AuditGen logs a warning and records audited endpoints from their metadata only.
/// </summary>
internal static class EndpointRouteBuilderAccess
{
    internal const string Key = "__EndpointRouteBuilder";

    public static bool TryGet(IApplicationBuilder app, [NotNullWhen(true)] out IEndpointRouteBuilder? routes)
    {
        routes = app.Properties.TryGetValue(Key, out var value) ? value as IEndpointRouteBuilder : null;
        return routes is not null;
    }
}
