using System.ComponentModel.DataAnnotations;
using Charger.Protocol;

namespace Charger.Cloud.Core;

/// <summary>Settings of the <see cref="IngestPipeline"/> (section <c>Cloud:Ingest</c>).</summary>
public sealed class IngestOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Cloud:Ingest";

    /// <summary>Largest accepted event message in bytes; larger ones are dead-lettered as TooLarge.</summary>
    [Range(256, 16 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = EnvelopeValidator.DefaultMaxPayloadBytes;

    /// <summary>How many characters of a refused payload are kept in its dead letter.</summary>
    [Range(0, 1024 * 1024)]
    public int DeadLetterPayloadChars { get; set; } = 4096;

    /// <summary>Number of lock stripes that serialise work per charger.</summary>
    [Range(1, 4096)]
    public int LockStripes { get; set; } = 64;

    /// <summary>How many waiting events are applied per store transaction when a gap fills.</summary>
    [Range(1, 10_000)]
    public int ApplyBatchSize { get; set; } = 256;
}
