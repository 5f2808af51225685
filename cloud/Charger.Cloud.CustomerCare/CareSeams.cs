using Charger.Cloud.AfterSales;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Charger.Cloud.CustomerCare;

/// <summary>
/// The seams of other areas this one uses, resolved when asked: the audit log and the customer and staff directories
/// (Charger.Cloud.Access), the service facts (Charger.Cloud.FieldService). A seam that is not registered makes the request
/// that needs it answer 503 naming it, instead of silently skipping the audit or the customer check.
/// </summary>
public sealed class CareSeams(IServiceProvider services, ILogger<CareSeams> logger)
{
    /// <summary>The audit log; every change is recorded in it.</summary>
    public IAuditLog AuditLog => Require<IAuditLog>("IAuditLog (Charger.Cloud.Access)", "changes in customer care");

    /// <summary>The customer directory; inquiries and complaints name a known customer.</summary>
    public ICustomerDirectory Customers => Require<ICustomerDirectory>("ICustomerDirectory (Charger.Cloud.Access)", "recording inquiries and complaints");

    /// <summary>The staff directory, when registered (a routed inquiry's person is checked against it).</summary>
    public IStaffDirectory? Staff => services.GetService<IStaffDirectory>();

    /// <summary>The work orders' facts (surveys of work orders, KPIs).</summary>
    public IFieldServiceFacts FieldServiceFacts => Require<IFieldServiceFacts>("IFieldServiceFacts (Charger.Cloud.FieldService)", "work-order surveys and KPIs");

    private T Require<T>(string name, string what)
        where T : class
    {
        if (services.GetService<T>() is { } seam)
        {
            return seam;
        }

        CareLog.SeamMissing(logger, name, what);
        throw new CareUnavailableException($"{name} is not registered in this host, so {what} cannot be served.");
    }
}
