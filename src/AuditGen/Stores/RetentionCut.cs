namespace AuditGen.Stores;

/// <summary>
/// How far retention may purge: only a prefix of the log, and never a record that some sink has not finished with nor a
/// dead letter, since neither has reached its destination yet.
/// </summary>
internal static class RetentionCut
{
    /// <param name="lastStoredBeforeCutoff">The newest sequence stored before the cut-off, or null when none is.</param>
    /// <param name="slowestSinkCursor">The lowest sink cursor, or null when no sink has a cursor.</param>
    /// <param name="firstDeadLetter">The oldest dead-lettered sequence, or null when there is none.</param>
    public static long Through(long? lastStoredBeforeCutoff, long? slowestSinkCursor, long? firstDeadLetter)
    {
        var through = lastStoredBeforeCutoff ?? 0;
        if (slowestSinkCursor is { } cursor)
        {
            through = Math.Min(through, cursor);
        }

        if (firstDeadLetter is { } deadLetter)
        {
            through = Math.Min(through, deadLetter - 1);
        }

        return through;
    }
}
