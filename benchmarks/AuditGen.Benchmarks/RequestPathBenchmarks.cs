using AuditGen.Events;
using AuditGen.Pipeline;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AuditGen.Benchmarks;

/// <summary>
/// What auditing adds to a request (issue 8, item 1): the same endpoint with and without <c>[Audited]</c>, through the
/// whole ASP.NET Core pipeline in process (TestServer, no sockets), for a minimal API and an MVC action. The event is
/// captured, built and handed to the writer; storage is excluded (a writer that discards), and measured separately.
/// Each category's baseline is the unaudited twin, so the Ratio column is audited / unaudited.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RequestPathBenchmarks
{
    private WebApplication? _app;
    private TestServer? _server;

    [GlobalSetup]
    public void StartApp()
    {
        _app = BenchmarkApp.BenchmarkApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Services.AddAuditGen().UseInMemoryStore();
            builder.Services.AddSingleton<IAuditEventWriter, DiscardingAuditEventWriter>();
        });
        _app.StartAsync().GetAwaiter().GetResult();
        _server = _app.GetTestServer();

        // A benchmark of a 404, or of an audited endpoint that records nothing, would measure the wrong thing.
        var writer = (DiscardingAuditEventWriter)_app.Services.GetRequiredService<IAuditEventWriter>();
        foreach (var (request, audited) in new (Func<Task<HttpContext>>, bool)[] { (MinimalApiUnaudited, false), (MinimalApiAudited, true), (MvcUnaudited, false), (MvcAudited, true) })
        {
            var before = writer.Written;
            var status = request().GetAwaiter().GetResult().Response.StatusCode;

            // The event is written once the response has completed, which TestServer may report a moment earlier.
            SpinWait.SpinUntil(() => writer.Written > before, TimeSpan.FromSeconds(1));
            if (status != StatusCodes.Status200OK || writer.Written - before != (audited ? 1 : 0))
            {
                throw new InvalidOperationException($"Set-up check failed: status {status}, events written {writer.Written - before}, audited {audited}.");
            }
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory("minimal API")]
    public Task<HttpContext> MinimalApiUnaudited() => Get("/orgs/org_bench/plain/inv_1");

    [Benchmark, BenchmarkCategory("minimal API")]
    public Task<HttpContext> MinimalApiAudited() => Get("/orgs/org_bench/audited/inv_1");

    [Benchmark(Baseline = true), BenchmarkCategory("MVC")]
    public Task<HttpContext> MvcUnaudited() => Get("/orgs/org_bench/mvc/plain/inv_1");

    [Benchmark, BenchmarkCategory("MVC")]
    public Task<HttpContext> MvcAudited() => Get("/orgs/org_bench/mvc/audited/inv_1");

    [GlobalCleanup]
    public void StopApp() => _app!.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private Task<HttpContext> Get(string path) => _server!.SendAsync(context =>
    {
        context.Request.Method = "GET";
        context.Request.Path = path;
        context.Request.Headers.UserAgent = "benchmark/1.0";
    });

    /// <summary>Takes events and drops them: the benchmark measures the request path, not the store.</summary>
    private sealed class DiscardingAuditEventWriter : IAuditEventWriter
    {
        private long _written;

        public long Written => Interlocked.Read(ref _written);

        public ValueTask WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _written);
            return ValueTask.CompletedTask;
        }

        public ValueTask WriteCommittedAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default) => WriteAsync(auditEvent, cancellationToken);
    }
}
