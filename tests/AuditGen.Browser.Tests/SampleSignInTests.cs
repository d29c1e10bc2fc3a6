using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AuditGen.Browser.Tests;

/// <summary>The sample's API sign-in, as a client that sends incomplete JSON sees it, and as its audit log records it.</summary>
public sealed class SampleSignInTests : IAsyncLifetime
{
    private SampleApp _sample = null!;

    public async Task InitializeAsync() => _sample = await SampleApp.StartAsync();

    public async Task DisposeAsync() => await _sample.DisposeAsync();

    [Fact]
    public async Task A_sign_in_without_an_e_mail_is_a_400_naming_the_field_and_a_recorded_failure()
    {
        using var response = await _sample.Http.PostAsJsonAsync("/sign-in", new { password = "nope", organization = "org_acme" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("The email is required.", problem.GetProperty("errors").GetProperty("email")[0].GetString());

        using var admin = await _sample.SignInAsync("alice@acme.test", "alice-password", "org_acme");
        var failures = new List<JsonElement>();
        for (var attempt = 0; attempt < 100 && failures.Count == 0; attempt++)
        {
            var list = await admin.GetFromJsonAsync<JsonElement>("/audit/api/events?action=user.signed_in&limit=50");
            foreach (var item in list.GetProperty("data").EnumerateArray())
            {
                var detail = await admin.GetFromJsonAsync<JsonElement>($"/audit/api/events/{item.GetProperty("id").GetString()}");
                if (detail.ToString().Contains("\"status_code\":400", StringComparison.Ordinal))
                {
                    failures.Add(detail);
                }
            }

            await Task.Delay(100);
        }

        var recorded = Assert.Single(failures).ToString();
        Assert.Contains("\"outcome\":\"failure\"", recorded, StringComparison.Ordinal);
    }
}
