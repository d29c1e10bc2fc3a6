using System.ComponentModel;
using System.Globalization;
using AuditGen.Events;
using Microsoft.AspNetCore.Http;

namespace AuditGen.Internal;

/// <summary>
/// Conversions generated code uses to turn declared sources into ids and metadata values. For generated code
/// only; not a public contract, and it may change in any release.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class AuditValues
{
    /// <summary>An id from a string.</summary>
    public static string? ToId(string? value) => value;

    /// <summary>An id from a GUID, in its hyphenated form.</summary>
    public static string ToId(Guid value) => value.ToString("D");

    /// <summary>An id from a whole number.</summary>
    public static string ToId(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>An id from a whole number.</summary>
    public static string ToId(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>An id from a nullable value type; <see langword="null"/> stays absent.</summary>
    public static string? ToId<T>(T? value)
        where T : struct, IFormattable => value is { } present ? ToId((object)present) : null;

    /// <summary>An id or text from any other value: dates in ISO 8601, the rest formatted invariantly.</summary>
    public static string? ToId(object? value) => value switch
    {
        null => null,
        string text => text,
        DateTime dateTime => dateTime.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset dateTimeOffset => dateTimeOffset.ToString("O", CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly time => time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>A metadata value from an enum: its name.</summary>
    public static AuditMetadataValue ToMetadata<TEnum>(TEnum value)
        where TEnum : struct, Enum => value.ToString();

    /// <summary>The first value of a query string or header, or <see langword="null"/>.</summary>
    public static string? First(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 0 ? null : values[0];

    /// <summary>A route value as text, or <see langword="null"/>.</summary>
    public static string? RouteValue(HttpContext httpContext, string name)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return ToId(httpContext.Request.RouteValues.TryGetValue(name, out var value) ? value : null);
    }

    /// <summary>A route value, else the query value of the same name: how minimal APIs bind a simple parameter.</summary>
    public static string? RouteOrQueryValue(HttpContext httpContext, string name)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return RouteValue(httpContext, name) ?? First(httpContext.Request.Query[name]);
    }

    /// <summary>The first value of a query parameter.</summary>
    public static string? QueryValue(HttpContext httpContext, string name)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return First(httpContext.Request.Query[name]);
    }

    /// <summary>The first value of a header.</summary>
    public static string? HeaderValue(HttpContext httpContext, string name)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return First(httpContext.Request.Headers[name]);
    }
}
