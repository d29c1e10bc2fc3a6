
namespace AuditGen.Sinks.S3;

/// <summary>Delivery to an Amazon S3 bucket (or an S3-compatible store), bound from <c>AuditGen:S3</c>.</summary>
public sealed class S3SinkOptions : AuditStreamSinkOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AuditGen:S3";

    /// <summary>The bucket objects are written to.</summary>
    public string? Bucket { get; set; }

    /// <summary>The start of every object key (default <c>auditgen/</c>).</summary>
    public string Prefix { get; set; } = "auditgen/";

    /// <summary>The bucket's AWS region, such as <c>eu-west-1</c>; unset: the AWS SDK's default (<c>AWS_REGION</c>, profile).</summary>
    public string? Region { get; set; }

    /// <summary>
    /// The address of an S3-compatible service in place of AWS's (Google Cloud Storage's XML API is
    /// <c>https://storage.googleapis.com</c>); unset for Amazon S3.
    /// </summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>Whether the bucket is addressed in the path rather than the host name (most S3-compatible services need it).</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>An access key id; unset: the AWS SDK's default credentials (environment, profile, instance role).</summary>
    public string? AccessKeyId { get; set; }

    /// <summary>The secret of <see cref="AccessKeyId"/>. Never logged.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>
    /// Whether uploads are conditional (<c>If-None-Match: *</c>), so an object already written is never replaced: Amazon S3
    /// supports it; some S3-compatible services ignore it. Default <see langword="false"/>.
    /// </summary>
    public bool UseConditionalWrite { get; set; }
}
