using AuditGen.Sinks.S3;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Amazon S3 log stream sink.</summary>
public static class S3AuditGenBuilderExtensions
{
    /// <summary>
    /// Streams events to an S3 bucket (or an S3-compatible store), configured from <c>AuditGen:S3</c>: one gzip JSON Lines
    /// object per organization and batch.
    /// </summary>
    /// <param name="builder">The AuditGen builder.</param>
    /// <param name="configure">Changes applied after configuration is bound.</param>
    public static IAuditGenBuilder AddS3Sink(this IAuditGenBuilder builder, Action<S3SinkOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<S3SinkOptions>().BindConfiguration(S3SinkOptions.SectionName);
        return StreamSinkRegistration.Add<S3SinkOptions, S3SinkOptionsValidator, S3AuditSink>(builder, options, configure);
    }
}
