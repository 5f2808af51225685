using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace Charger.Cloud.Hosting;

/// <summary>
/// The operators' web UI: the files of <c>wwwroot/</c>, embedded in the assembly at build time (so the build output,
/// the published app and tests serve the same files, whatever the working directory), served at <c>/</c> with a strict
/// Content-Security-Policy. The files are public (they hold no data); every piece of data comes from the API, which
/// requires sign-in. The middleware runs first in the pipeline (an <see cref="IStartupFilter"/>), before
/// authorization, whose fallback policy would otherwise refuse the sign-in page to a user who is not signed in yet.
/// </summary>
public static class WebUi
{
    /// <summary>Resource-name prefix of the embedded <c>wwwroot/</c> files (root namespace + folder).</summary>
    internal const string ResourcePrefix = "Charger.Cloud.wwwroot";

    /// <summary>
    /// The UI's Content-Security-Policy: scripts, styles, images and API calls from this origin only; no inline script
    /// or style, no plugins, no framing, no foreign form targets.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Registers the UI's static files (served before routing and authorization).</summary>
    public static WebApplicationBuilder AddWebUi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IStartupFilter, WebUiStartupFilter>();
        return builder;
    }

    /// <summary>The embedded UI files (paths as under <c>wwwroot/</c>).</summary>
    public static IFileProvider Files { get; } = new EmbeddedFileProvider(typeof(WebUi).Assembly, ResourcePrefix);

    internal static void Use(IApplicationBuilder app)
    {
        var files = Files;
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, DefaultFileNames = ["index.html"] });
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".js"] = "text/javascript; charset=utf-8";
        types.Mappings[".css"] = "text/css; charset=utf-8";
        types.Mappings[".html"] = "text/html; charset=utf-8";
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = types,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                // Revalidate every time (ETag): a new build's UI is picked up at once, and nothing stale is cached.
                headers.CacheControl = "no-cache";
            },
        });
    }

    private sealed class WebUiStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            Use(app);
            next(app);
        };
    }
}
