using System.Text.Json.Serialization;

namespace Charger.Agent.EngineerConsole.Contracts;

/// <summary>Source-generated JSON of the console protocol: camelCase, nulls omitted, unknown members refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(ConsoleRequest))]
[JsonSerializable(typeof(ConsoleReply))]
[JsonSerializable(typeof(LoginArgs))]
[JsonSerializable(typeof(FaultsArgs))]
[JsonSerializable(typeof(MaintenanceArgs))]
[JsonSerializable(typeof(FaultResetArgs))]
[JsonSerializable(typeof(SimArgs))]
[JsonSerializable(typeof(LoginData))]
[JsonSerializable(typeof(LogoutData))]
[JsonSerializable(typeof(StatusData))]
[JsonSerializable(typeof(SensorsData))]
[JsonSerializable(typeof(FaultsData))]
[JsonSerializable(typeof(SelfTestStepData))]
[JsonSerializable(typeof(SelfTestData))]
[JsonSerializable(typeof(StateData))]
[JsonSerializable(typeof(SimData))]
[JsonSerializable(typeof(RecordArgs))]
[JsonSerializable(typeof(CommissionArgs))]
[JsonSerializable(typeof(ExportArgs))]
[JsonSerializable(typeof(DocsArgs))]
[JsonSerializable(typeof(RecordData))]
[JsonSerializable(typeof(ExportChunkData))]
[JsonSerializable(typeof(ExportData))]
[JsonSerializable(typeof(DocsListData))]
[JsonSerializable(typeof(DocumentData))]
[JsonSerializable(typeof(DocumentInfoData))]
public sealed partial class ConsoleJsonContext : JsonSerializerContext;
