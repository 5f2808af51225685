using System.Text.Json.Serialization;
using Charger.Agent.Core.Diagnostics;
using Charger.Agent.Core.Journal;
using Charger.Agent.Mqtt;

namespace Charger.Agent;

/// <summary>The agent's settings as JSON (for the diagnostics bundle, secrets redacted there), source-generated.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(AgentOptions))]
[JsonSerializable(typeof(DiagnosticsOptions))]
[JsonSerializable(typeof(JournalOptions))]
[JsonSerializable(typeof(MqttPublisherOptions))]
internal sealed partial class AgentSettingsJsonContext : JsonSerializerContext;
