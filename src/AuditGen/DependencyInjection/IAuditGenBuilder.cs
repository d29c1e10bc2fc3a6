namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Returned by <c>AddAuditGen</c>; stores and sinks add themselves to it.</summary>
public interface IAuditGenBuilder
{
    /// <summary>The application's services.</summary>
    IServiceCollection Services { get; }
}

internal sealed class AuditGenBuilder(IServiceCollection services) : IAuditGenBuilder
{
    public IServiceCollection Services { get; } = services;
}
