using System.Globalization;
using AuditGen.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AuditGen.Generators.Parsing;

/// <summary>Turns attribute constants into C# literals, in the invariant culture.</summary>
internal static class Literals
{
    public static bool TryFormat(TypedConstant constant, out string literal, out ValueKind kind)
    {
        switch (constant.Value)
        {
            case string text:
                literal = SymbolDisplay.FormatLiteral(text, quote: true);
                kind = ValueKind.Text;
                return true;
            case long integer:
                literal = integer.ToString(CultureInfo.InvariantCulture) + "L";
                kind = ValueKind.WholeNumber;
                return true;
            case double number:
                literal = double.IsNaN(number) ? "double.NaN"
                    : double.IsPositiveInfinity(number) ? "double.PositiveInfinity"
                    : double.IsNegativeInfinity(number) ? "double.NegativeInfinity"
                    : number.ToString("R", CultureInfo.InvariantCulture) + "d";
                kind = ValueKind.Number;
                return true;
            case bool boolean:
                literal = boolean ? "true" : "false";
                kind = ValueKind.Boolean;
                return true;
            default:
                literal = "";
                kind = ValueKind.Other;
                return false;
        }
    }
}
