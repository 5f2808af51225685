using Charger.Agent.EngineerConsole;
using Charger.Agent.Core.Diagnostics;
using Charger.Agent.Core.Journal;
using Charger.Agent.Mqtt;
using Microsoft.Extensions.Options;

namespace Charger.Agent;

// Source-generated validators of the agent's settings (DataAnnotations attributes and IValidatableObject), registered
// instead of ValidateDataAnnotations(), which reflects over the types: the agent stays trimmable and AOT-compilable.

[OptionsValidator]
internal sealed partial class AgentOptionsValidator : IValidateOptions<AgentOptions>;

[OptionsValidator]
internal sealed partial class DiagnosticsOptionsValidator : IValidateOptions<DiagnosticsOptions>;

[OptionsValidator]
internal sealed partial class JournalOptionsValidator : IValidateOptions<JournalOptions>;

[OptionsValidator]
internal sealed partial class MqttPublisherOptionsValidator : IValidateOptions<MqttPublisherOptions>;

[OptionsValidator]
internal sealed partial class ConsoleOptionsValidator : IValidateOptions<ConsoleOptions>;
