namespace AuditGen.Sinks.Syslog;

/// <summary>Delivery to a syslog receiver (an on-premises SIEM, rsyslog), bound from <c>AuditGen:Syslog</c>.</summary>
public sealed class SyslogSinkOptions : AuditStreamSinkOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AuditGen:Syslog";

    /// <summary>The receiver's host name or address.</summary>
    public string? Host { get; set; }

    /// <summary>The receiver's port (default 6514, syslog over TLS).</summary>
    public int Port { get; set; } = 6514;

    /// <summary>
    /// <c>Tls</c> (default): RFC 5424 messages over TLS with octet-counting framing (RFC 5425), which has no
    /// acknowledgment. <c>Relp</c>: the same messages over RELP, which acknowledges each one.
    /// </summary>
    public SyslogTransport Transport { get; set; } = SyslogTransport.Tls;

    /// <summary>Whether RELP runs over TLS (default <see langword="true"/>); the <c>Tls</c> transport always does.</summary>
    public bool UseTls { get; set; } = true;

    /// <summary>A PEM file of the certificate authority that issued the receiver's certificate, when it is not one this machine trusts.</summary>
    public string? TrustedCertificateAuthorityPath { get; set; }

    /// <summary>
    /// A PEM certificate this application presents to the receiver (mutual TLS, which rsyslog's RELP over TLS requires),
    /// with its key in <see cref="ClientCertificateKeyPath"/>.
    /// </summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="ClientCertificatePath"/>.</summary>
    public string? ClientCertificateKeyPath { get; set; }

    /// <summary>The name the receiver's certificate must carry (default <see cref="Host"/>).</summary>
    public string? ServerName { get; set; }

    /// <summary>The APP-NAME of every message (default <c>auditgen</c>; printable ASCII, at most 48 characters).</summary>
    public string AppName { get; set; } = "auditgen";

    /// <summary>The HOSTNAME of every message (default: this machine's name; printable ASCII, at most 255 characters).</summary>
    public string? Hostname { get; set; }

    /// <summary>The facility (0 to 23; default 13, log audit).</summary>
    public int Facility { get; set; } = 13;

    /// <summary>The severity (0 to 7; default 5, notice).</summary>
    public int Severity { get; set; } = 5;

    /// <summary>
    /// The longest message the receiver takes, in bytes (default 8,192, rsyslog's default <c>maxMessageSize</c>). A longer
    /// event is never cut: it becomes a dead letter saying so.
    /// </summary>
    public int MaxMessageSize { get; set; } = 8 * 1024;
}

/// <summary>How the syslog sink sends its messages.</summary>
public enum SyslogTransport
{
    /// <summary>RFC 5425: TLS with octet-counting framing. No acknowledgment: a dropped connection can lose what was in flight.</summary>
    Tls,

    /// <summary>RELP, the reliable event logging protocol: every message is acknowledged; at least once.</summary>
    Relp,
}
