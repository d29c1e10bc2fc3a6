namespace AuditGen.Export;

/// <summary>RFC 4180 cells, with spreadsheet formula injection neutralised.</summary>
internal static class Csv
{
    private static readonly char[] s_quoteWhen = [',', '"', '\r', '\n'];

    /// <summary>
    /// One cell: a value a spreadsheet would run as a formula (starting with <c>=</c>, <c>+</c>, <c>-</c>,
    /// <c>@</c>, tab or carriage return) gets a leading <c>'</c>, as OWASP recommends; a value with a
    /// comma, quote or line break is quoted, its quotes doubled. <see langword="null"/> is an empty cell.
    /// </summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny(s_quoteWhen) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
