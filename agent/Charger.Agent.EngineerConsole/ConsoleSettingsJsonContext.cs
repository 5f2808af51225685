using System.Text.Json.Serialization;

namespace Charger.Agent.EngineerConsole;

/// <summary>The console's settings as JSON (for the diagnostics bundle), source-generated.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(ConsoleOptions))]
internal sealed partial class ConsoleSettingsJsonContext : JsonSerializerContext;
