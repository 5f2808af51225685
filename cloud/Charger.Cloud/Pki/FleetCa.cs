using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Charger.Protocol;

namespace Charger.Cloud.Pki;

/// <summary>
/// The fleet's certificate authority for mutual TLS with an external broker (deploy/mosquitto): a self-signed ECDSA P-256
/// CA that issues the broker's server certificate, the receivers' client certificate (CN <see cref="ReceiverCommonName"/>)
/// and one client certificate per charger (CN = charger id, which mosquitto takes as the user name for the ACL).
/// Keys are written PEM (PKCS#8) with mode 0600; certificates PEM. Built on System.Security.Cryptography only.
/// </summary>
public sealed class FleetCa
{
    /// <summary>CN of the receivers' certificate. '$' cannot occur in a charger id, so no charger can obtain this identity.</summary>
    public const string ReceiverCommonName = "$receiver";

    public const string CertificateFile = "ca.pem";
    public const string KeyFile = "ca.key";

    private readonly X509Certificate2 _ca;
    private readonly ECDsa _key;

    private FleetCa(X509Certificate2 ca, ECDsa key)
    {
        _ca = ca;
        _key = key;
    }

    /// <summary>The CA certificate (PEM) that brokers and agents trust.</summary>
    public string CertificatePem => _ca.ExportCertificatePem();

    /// <summary>Creates a new CA in <paramref name="directory"/>; refuses to overwrite an existing one.</summary>
    public static FleetCa Create(string directory, string name, TimeSpan validity, TimeProvider time)
    {
        var certPath = Path.Combine(directory, CertificateFile);
        var keyPath = Path.Combine(directory, KeyFile);
        if (File.Exists(certPath) || File.Exists(keyPath))
        {
            throw new InvalidOperationException($"A CA already exists in {directory}; remove it first to start a new fleet CA.");
        }

        Directory.CreateDirectory(directory);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(name)}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = time.GetUtcNow();
        var ca = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(validity));
        WritePrivate(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certPath, ca.ExportCertificatePem());
        return new FleetCa(ca, key);
    }

    /// <summary>Loads the CA of <paramref name="directory"/>.</summary>
    public static FleetCa Load(string directory)
    {
        var certPath = Path.Combine(directory, CertificateFile);
        var keyPath = Path.Combine(directory, KeyFile);
        if (!File.Exists(certPath) || !File.Exists(keyPath))
        {
            throw new InvalidOperationException($"No CA in {directory} ({CertificateFile} and {KeyFile}); create one with 'charger-cloud ca init --dir {directory}'.");
        }

        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(keyPath));
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(certPath));
        if (!ca.GetECDsaPublicKey()!.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
        {
            throw new InvalidOperationException($"{keyPath} is not the key of {certPath}.");
        }

        return new FleetCa(ca, key);
    }

    /// <summary>A charger's client certificate: CN = charger id, client authentication only.</summary>
    public IssuedCertificate IssueCharger(string chargerId, TimeSpan validity, TimeProvider time) =>
        Issue(ChargerId.Require(chargerId), validity, time, client: true, dnsNames: [], addresses: []);

    /// <summary>The receivers' client certificate (CN <see cref="ReceiverCommonName"/>).</summary>
    public IssuedCertificate IssueReceiver(TimeSpan validity, TimeProvider time) =>
        Issue(ReceiverCommonName, validity, time, client: true, dnsNames: [], addresses: []);

    /// <summary>A broker's server certificate for the given names and addresses.</summary>
    public IssuedCertificate IssueServer(IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> addresses, TimeSpan validity, TimeProvider time)
    {
        if (dnsNames.Count == 0 && addresses.Count == 0)
        {
            throw new ArgumentException("A server certificate needs at least one DNS name or IP address.", nameof(dnsNames));
        }

        return Issue(dnsNames.Count > 0 ? dnsNames[0] : addresses[0].ToString(), validity, time, client: false, dnsNames, addresses);
    }

    private IssuedCertificate Issue(string commonName, TimeSpan validity, TimeProvider time, bool client, IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> addresses)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(commonName)}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [client ? new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication") : new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca, true, false));
        if (dnsNames.Count > 0 || addresses.Count > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var name in dnsNames)
            {
                san.AddDnsName(name);
            }

            foreach (var address in addresses)
            {
                san.AddIpAddress(address);
            }

            request.CertificateExtensions.Add(san.Build());
        }

        var now = time.GetUtcNow();
        var notAfter = now.Add(validity) < _ca.NotAfter ? now.Add(validity) : new DateTimeOffset(_ca.NotAfter.ToUniversalTime());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive INTEGER
        using var certificate = request.Create(_ca.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), now.AddMinutes(-5), notAfter, serial);
        using var withKey = certificate.CopyWithPrivateKey(key);
        return new IssuedCertificate(commonName, certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem(), withKey.Export(X509ContentType.Pkcs12, (string?)null));
    }

    // Distinguished names treat , + " \ < > ; = specially; ids and host names never contain them, '$' needs no escape.
    private static string Escape(string value) =>
        value.IndexOfAny([',', '+', '"', '\\', '<', '>', ';', '=']) >= 0 ? throw new ArgumentException($"'{value}' cannot be a certificate name.", nameof(value)) : value;

    /// <summary>Writes a file readable by its owner only, atomically.</summary>
    public static void WritePrivate(string path, string content)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Writes a binary file readable by its owner only, atomically.</summary>
    public static void WritePrivate(string path, byte[] content)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            stream.Write(content);
        }

        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>An issued certificate: PEM certificate, PEM private key, and both as PKCS#12 (no password) for .NET clients.</summary>
public sealed record IssuedCertificate(string CommonName, string CertificatePem, string KeyPem, byte[] Pkcs12);
