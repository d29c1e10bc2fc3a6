using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(AuditGen.Benchmarks.DeliveryBenchmarks).Assembly).Run(args);
