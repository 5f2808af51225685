using Charger.Cloud;
using Charger.Cloud.Access;
using Charger.Cloud.Api;
using Charger.Cloud.Cli;
using Charger.Cloud.CustomerCare;
using Charger.Cloud.CustomerCare.Api;
using Charger.Cloud.Hosting;
using Charger.Cloud.Live;
using Charger.Cloud.FieldService;
using Charger.Cloud.FieldService.Api;

// `charger-cloud enrol <id>` / `charger-cloud revoke <id>`: operator commands on the same database, no server.
// `charger-cloud ca ...`: the fleet CA for mutual TLS with an external broker.
if (FleetCaCli.IsCommand(args))
{
    return await FleetCaCli.RunAsync(args, Console.Out, Console.Error, TimeProvider.System);
}

if (CloudCli.IsCommand(args))
{
    return await CloudCli.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
}

// appsettings.json next to the binary, whatever the working directory (systemd, ./demo.sh, tests).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddCloudHosting();
builder.AddWebUi();
builder.AddCloudStore();
builder.AddCloudIngest();
builder.Services.AddLiveUpdates();
builder.Services.AddAccess(builder.Configuration);
builder.Services.AddCustomerCare(builder.Configuration);
builder.Services.AddFieldService(builder.Configuration);
builder.AddCloudIngress();

var app = builder.Build();
app.MapCloudApi();
app.MapLiveUpdates();
app.MapCustomerCare();
app.MapFieldService();
app.MapAccess();
await app.RunAsync();
return 0;

/// <summary>The charger-cloud entry point (public for WebApplicationFactory).</summary>
public partial class Program;
