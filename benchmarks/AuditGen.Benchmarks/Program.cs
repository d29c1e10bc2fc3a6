using System.Globalization;
using AuditGen.Benchmarks;
using BenchmarkDotNet.Running;

// `strict-latency [requests/s] [seconds]` runs the open-loop latency driver, `ledger [organizations] [seconds] [checkpoint interval, s]` the
// ledger's sustained rate on SQLite, `ledger-pg [writers] [seconds] [organizations]` writer processes on one PostgreSQL
// log (benchmarks/writers.sh), `checkpoints [organizations] [rounds]` the cost of checkpointing when every organization
// changed, `proofs [records]` proof size and proven-export time for one organization, `allocations` the request path's
// allocation profile, `sinks [events]` each log stream sink's delivery rate; anything else goes to BenchmarkDotNet.
if (args is ["strict-latency", ..])
{
    var rate = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000;
    var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
    Console.Write(await StrictLatency.RunAsync(rate, TimeSpan.FromSeconds(seconds)));
    return;
}

if (args is ["ledger", ..])
{
    var organizations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
    var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 60;
    var checkpointSeconds = args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 1;
    Console.Write(await LedgerThroughput.RunAsync(organizations, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(checkpointSeconds)));
    return;
}

if (args is ["checkpoints", ..])
{
    var organizations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
    var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
    Console.Write(await ProofCosts.CheckpointsAsync(organizations, rounds));
    return;
}

if (args is ["proofs", ..])
{
    Console.Write(await ProofCosts.ExportAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000));
    return;
}

if (args is ["ledger-pg", ..])
{
    var writers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
    var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30;
    var organizations = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1;
    Console.Write(await PostgreSqlWriters.RunAsync(writers, TimeSpan.FromSeconds(seconds), organizations));
    return;
}

if (args is ["ledger-pg-writer", var schema, var writerSeconds, var writerOrganizations, var seed])
{
    await PostgreSqlWriters.WriteAsync(
        schema,
        TimeSpan.FromSeconds(double.Parse(writerSeconds, CultureInfo.InvariantCulture)),
        int.Parse(writerOrganizations, CultureInfo.InvariantCulture),
        int.Parse(seed, CultureInfo.InvariantCulture));
    return;
}

if (args is ["sinks", ..])
{
    Console.Write(await SinkThroughput.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000));
    return;
}

if (args is ["allocations"])
{
    Console.Write(await RequestAllocationProfile.RunAsync());
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(DeliveryBenchmarks).Assembly).Run(args);
