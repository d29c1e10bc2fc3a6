using System.CommandLine.Parsing;
using System.Globalization;

namespace AuditGen.Cli;

/// <summary>
/// Says what a value should look like when the command line gives one that does not parse, instead of naming a .NET
/// type (System.CommandLine's message reads "as expected type 'System.Nullable`1[System.Int32]'").
/// </summary>
internal static class ParseErrorMessages
{
    public static string Describe(ParseError error)
    {
        if (error.SymbolResult is OptionResult { Tokens: [{ } token] } result
            && Expected(result.Option.ValueType) is { } expected
            && !expected.Parses(token.Value))
        {
            return $"{result.Option.Name} takes {expected.Description} (was '{token.Value}').";
        }

        return error.Message.ReplaceLineEndings(" ");
    }

    private static (string Description, Func<string, bool> Parses)? Expected(Type valueType) =>
        (Nullable.GetUnderlyingType(valueType) ?? valueType) switch
        {
            var type when type == typeof(int) =>
                ("a whole number", value => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)),
            var type when type == typeof(long) =>
                ("a whole number", value => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)),
            var type when type == typeof(TimeSpan) =>
                ("a time span, days.hours:minutes:seconds, such as 365.00:00:00", value => TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _)),
            var type when type == typeof(DateTimeOffset) =>
                ("a date and time, such as 2026-11-22T09:30:00Z", value => DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, out _)),
            var type when type == typeof(Uri) =>
                ("an absolute URL, such as https://api.workos.com", value => Uri.TryCreate(value, UriKind.Absolute, out _)),
            { IsEnum: true } type =>
                ($"one of {string.Join(", ", Enum.GetNames(type).Select(static name => name.ToLowerInvariant()))}", value => Enum.TryParse(type, value, ignoreCase: true, out _)),
            _ => null,
        };
}
