namespace AuditGen.Tests.TestSupport;

/// <summary>Waits for background work to reach a state; the deadline only bounds a hung test, it measures nothing.</summary>
internal static class Eventually
{
    public static async Task<T> Get<T>(Func<T?> probe, Func<T?, bool> done, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = probe();
            if (done(value))
            {
                return value!;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}; last value: {value}");
            }

            await Task.Delay(10);
        }
    }

    public static async Task<T> GetAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}; last value: {value}");
            }

            await Task.Delay(10);
        }
    }
}
