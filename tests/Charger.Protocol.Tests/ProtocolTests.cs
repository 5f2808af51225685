using System.Text;
using System.Text.Json;
using Charger.Protocol;

namespace Charger.Protocol.Tests;

public sealed class EnvelopeTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 27, 13, 5, 7, 123, TimeSpan.Zero);

    private static Envelope Fault(string charger = "CP-1", long seq = 1) => Envelope.Create(charger, seq, T, EventTypes.FaultRaised,
        new FaultRaisedData { Code = FaultCatalogue.HighTemperature, Component = "enclosure", Severity = Severity.Major, Value = 72.5, Unit = "°C" },
        ProtocolJsonContext.Default.FaultRaisedData);

    [Fact]
    public void An_envelope_round_trips_with_the_wire_names_of_the_contract()
    {
        var e = Fault();
        var json = Encoding.UTF8.GetString(e.ToUtf8Json());
        Assert.Contains("\"v\":1", json, StringComparison.Ordinal);
        Assert.Contains("\"chargerId\":\"CP-1\"", json, StringComparison.Ordinal);
        Assert.Contains("\"ts\":\"2026-11-27T13:05:07.123Z\"", json, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"fault.raised\"", json, StringComparison.Ordinal);
        Assert.Contains("\"severity\":\"major\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"cause\"", json, StringComparison.Ordinal);
        var back = Envelope.FromUtf8Json(e.ToUtf8Json());
        Assert.Equal(e.Id, back.Id);
        Assert.Equal(e.Seq, back.Seq);
        Assert.Equal(T, back.Ts);
        var data = back.DataAs(ProtocolJsonContext.Default.FaultRaisedData);
        Assert.Equal(72.5, data.Value);
        Assert.Equal(Severity.Major, data.Severity);
    }

    [Fact]
    public void Every_payload_type_round_trips()
    {
        var state = new StateChangedData { From = DiagnosticState.Operational, To = DiagnosticState.Faulted, Trigger = "BlockingFault", Reason = "GroundFailure" };
        Assert.Equal(state, JsonSerializer.Deserialize(JsonSerializer.Serialize(state, ProtocolJsonContext.Default.StateChangedData), ProtocolJsonContext.Default.StateChangedData));
        Assert.Contains("\"to\":\"Faulted\"", JsonSerializer.Serialize(state, ProtocolJsonContext.Default.StateChangedData), StringComparison.Ordinal);
        var counters = new CountersData { EnergyWh = 1234.5, ContactorCycles = 7, OperatingHours = 3.5 };
        Assert.Equal(counters, JsonSerializer.Deserialize(JsonSerializer.Serialize(counters, ProtocolJsonContext.Default.CountersData), ProtocolJsonContext.Default.CountersData));
        var record = new ServiceRecordData { Kind = "repair", EngineerId = "eng-7", Parts = [new PartReplaced("RCD-30mA", "A1", "B2")] };
        var rt = JsonSerializer.Deserialize(JsonSerializer.Serialize(record, ProtocolJsonContext.Default.ServiceRecordData), ProtocolJsonContext.Default.ServiceRecordData)!;
        Assert.Equal("RCD-30mA", rt.Parts![0].PartNumber);
        Assert.Equal(new AckMessage(42), JsonSerializer.Deserialize("{\"upTo\":42}", ProtocolJsonContext.Default.AckMessage));
    }
}

public sealed class TopicTests
{
    [Theory]
    [InlineData("ev/v1/CP-1/events", "CP-1", TopicKind.Events)]
    [InlineData("ev/v1/a.b_c-9/telemetry", "a.b_c-9", TopicKind.Telemetry)]
    [InlineData("ev/v1/CP-1/status", "CP-1", TopicKind.Status)]
    [InlineData("ev/v1/CP-1/ack", "CP-1", TopicKind.Ack)]
    [InlineData("ev/v1/CP-1/cmd/diagnostics", "CP-1", TopicKind.Command)]
    [InlineData("ev/v1/CP-1/cmd-result", "CP-1", TopicKind.CommandResult)]
    public void V1_topics_parse_into_charger_and_kind(string topic, string id, TopicKind kind)
    {
        Assert.True(Topics.TryParse(topic, out var parsedId, out var parsedKind));
        Assert.Equal((id, kind), (parsedId, parsedKind));
    }

    [Theory]
    [InlineData("ev/v2/CP-1/events")]
    [InlineData("ev/v1/CP 1/events")]
    [InlineData("ev/v1/+/events")]
    [InlineData("ev/v1/CP-1/events/extra")]
    [InlineData("ev/v1//events")]
    [InlineData("ev/v1/CP-1/cmd/")]
    [InlineData("ev/v1/CP-1/cmd/a/b")]
    [InlineData("")]
    public void Anything_else_is_not_a_v1_topic(string topic) => Assert.False(Topics.TryParse(topic, out _, out _));

    [Fact]
    public void Building_a_topic_for_a_bad_id_throws() => Assert.Throws<ArgumentException>(() => Topics.Events("a/b"));

    [Fact]
    public void Charger_ids_follow_the_contract()
    {
        Assert.True(ChargerId.IsValid(new string('a', 64)));
        Assert.False(ChargerId.IsValid(new string('a', 65)));
        Assert.False(ChargerId.IsValid(""));
        Assert.False(ChargerId.IsValid("CP#1"));
        Assert.False(ChargerId.IsValid("CP-1\n")); // '$' would match before a final newline; the pattern ends at \z
        Assert.False(ChargerId.IsValid("\nCP-1"));
        Assert.False(ChargerId.IsValid(null));
    }
}

public sealed class ValidatorTests
{
    private readonly EnvelopeValidator _validator = new();
    private const string Topic = "ev/v1/CP-1/events";

    private static string Valid(Action<Dictionary<string, object?>>? change = null)
    {
        var d = new Dictionary<string, object?>
        {
            ["v"] = 1,
            ["id"] = "4b0e0c0e-8c51-4c1f-9a53-6a8d1f0d2a11",
            ["chargerId"] = "CP-1",
            ["seq"] = 7,
            ["ts"] = "2026-11-27T13:05:07.123Z",
            ["type"] = "fault.raised",
            ["data"] = new Dictionary<string, object?> { ["code"] = "GroundFailure", ["component"] = "rcd", ["severity"] = "critical" },
        };
        change?.Invoke(d);
        return JsonSerializer.Serialize(d);
    }

    private ValidationResult Check(string json, string topic = Topic) => _validator.Validate(topic, Encoding.UTF8.GetBytes(json));

    [Fact]
    public void A_valid_event_passes()
    {
        var r = Check(Valid());
        Assert.True(r.IsValid, r.ToString());
        Assert.Equal(7, r.Envelope!.Seq);
    }

    [Fact]
    public void An_oversized_message_is_refused_before_parsing()
    {
        var r = _validator.Validate(Topic, new byte[EnvelopeValidator.DefaultMaxPayloadBytes + 1]);
        Assert.Equal(RejectReason.TooLarge, r.Reason);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("")]
    public void Malformed_json_is_refused(string json) => Assert.Equal(RejectReason.MalformedJson, Check(json).Reason);

    [Theory]
    [InlineData("v")]
    [InlineData("id")]
    [InlineData("chargerId")]
    [InlineData("seq")]
    [InlineData("ts")]
    [InlineData("type")]
    [InlineData("data")]
    public void A_missing_field_is_named(string field)
    {
        var r = Check(Valid(d => d.Remove(field)));
        Assert.Equal(field == "chargerId" ? RejectReason.MissingField : RejectReason.MissingField, r.Reason);
        Assert.Contains($"'{field}'", r.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    public void An_unknown_version_is_refused(int v) => Assert.Equal(RejectReason.UnsupportedVersion, Check(Valid(d => d["v"] = v)).Reason);

    [Theory]
    [InlineData("CP 1")]
    [InlineData("")]
    [InlineData("x/y")]
    public void A_bad_charger_id_is_refused(string id) => Assert.Equal(RejectReason.BadChargerId, Check(Valid(d => d["chargerId"] = id)).Reason);

    [Fact]
    public void A_charger_id_that_differs_from_the_topic_is_refused()
    {
        var r = Check(Valid(d => d["chargerId"] = "CP-2"));
        Assert.Equal(RejectReason.ChargerIdMismatch, r.Reason);
        Assert.Contains("CP-2", r.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_on_a_non_events_topic_is_refused() =>
        Assert.Equal(RejectReason.BadTopic, Check(Valid(), "ev/v1/CP-1/telemetry").Reason);

    [Theory]
    [InlineData("seq", 0)]
    [InlineData("seq", "7")]
    [InlineData("id", "not-a-uuid")]
    [InlineData("ts", "yesterday")]
    public void An_invalid_field_is_refused(string field, object value) =>
        Assert.Equal(RejectReason.InvalidField, Check(Valid(d => d[field] = value)).Reason);

    [Fact]
    public void A_type_from_a_newer_agent_is_kept_as_an_unknown_type()
    {
        var r = Check(Valid(d => { d["type"] = "cmd-result.v2"; d["data"] = new Dictionary<string, object?> { ["anything"] = 1 }; }));
        Assert.True(r.IsValid, r.ToString());
        Assert.False(r.IsKnownType);
        Assert.Equal("cmd-result.v2", r.Envelope!.Type);
        Assert.True(Check(Valid()).IsKnownType);
    }

    [Theory]
    [InlineData("Coffee")]
    [InlineData("fault..raised")]
    [InlineData("fault.raised ")]
    [InlineData("fault.raised\n")]
    [InlineData("")]
    [InlineData("x/y")]
    public void A_type_that_is_not_a_type_name_is_refused(string type) =>
        Assert.Equal(RejectReason.UnknownType, Check(Valid(d => d["type"] = type.Replace("\\n", "\n", StringComparison.Ordinal))).Reason);

    [Fact]
    public void A_type_name_longer_than_64_characters_is_refused() =>
        Assert.Equal(RejectReason.UnknownType, Check(Valid(d => d["type"] = new string('a', 65))).Reason);

    [Fact]
    public void Invalid_utf8_inside_a_json_string_is_malformed_json_not_an_exception()
    {
        // The bytes of the report: a fault whose code holds 0xC3 0x28 (an invalid two-byte sequence).
        var json = Encoding.UTF8.GetBytes(Valid(d => d["data"] = new Dictionary<string, object?> { ["code"] = "GFXX", ["component"] = "rcd", ["severity"] = "critical" }));
        var at = json.AsSpan().IndexOf("GFXX"u8);
        json[at + 2] = 0xC3;
        json[at + 3] = 0x28;

        var r = _validator.Validate(Topic, json);

        Assert.Equal(RejectReason.MalformedJson, r.Reason);
        Assert.Contains("UTF-8", r.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("chargerId")]
    [InlineData("type")]
    [InlineData("ts")]
    public void A_lone_surrogate_escape_in_a_field_is_refused_not_thrown(string field)
    {
        var json = Valid(d => d[field] = "SURROGATE").Replace("SURROGATE", "\\ud800", StringComparison.Ordinal);

        var r = Check(json);

        Assert.False(r.IsValid);
    }

    [Fact]
    public void Twenty_thousand_mutated_and_random_messages_never_throw_and_every_valid_result_has_an_envelope()
    {
        var random = new Random(20261202);
        var seeds = new[]
        {
            Encoding.UTF8.GetBytes(Valid()),
            Encoding.UTF8.GetBytes(Valid(d => { d["type"] = "boot"; d["data"] = new Dictionary<string, object?> { ["reason"] = "power-on", ["agentVersion"] = "1.0" }; })),
            Encoding.UTF8.GetBytes(Valid(d => { d["type"] = "state.changed"; d["data"] = new Dictionary<string, object?> { ["from"] = "Booting", ["to"] = "Operational", ["trigger"] = "x" }; })),
        };
        var valid = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var payload = i % 10 == 0 ? RandomBytes(random) : Mutate(seeds[random.Next(seeds.Length)], random);
            var r = _validator.Validate(Topic, payload);
            Assert.True(r.IsValid == (r.Envelope is not null), $"message {i}: {r}");
            Assert.True(r.IsValid || r.Detail.Length > 0, $"message {i}: a reject without detail");
            valid += r.IsValid ? 1 : 0;
        }

        // Mutations that keep the message valid exist (a flipped digit of seq), but most are refused.
        Assert.InRange(valid, 1, 10_000);
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 300)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = seed.ToArray();
        switch (random.Next(6))
        {
            case 0:
                for (var k = random.Next(1, 4); k > 0; k--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 1:
                return bytes[..random.Next(bytes.Length)];
            case 2:
                bytes[random.Next(bytes.Length)] = (byte)random.Next(0x80, 0x100);
                return bytes;
            case 3:
                var text = Encoding.UTF8.GetString(bytes);
                var quote = text.IndexOf('"', random.Next(text.Length));
                return quote < 0 ? bytes : Encoding.UTF8.GetBytes(text.Insert(quote + 1, random.Next(2) == 0 ? "\\udc00" : "\\u0000"));
            case 4:
                return Encoding.UTF8.GetBytes(new string('[', 20_000) + new string(']', 20_000));
            default:
                var swapped = Encoding.UTF8.GetString(bytes).Replace("\"seq\":7", random.Next(2) == 0 ? "\"seq\":1e400" : "\"seq\":{\"a\":[]}", StringComparison.Ordinal);
                return Encoding.UTF8.GetBytes(swapped);
        }
    }

    [Fact]
    public void A_fault_without_code_or_with_a_bad_severity_is_refused()
    {
        var noCode = Check(Valid(d => d["data"] = new Dictionary<string, object?> { ["component"] = "rcd", ["severity"] = "critical" }));
        Assert.Equal(RejectReason.InvalidData, noCode.Reason);
        Assert.Contains("data.code", noCode.Detail, StringComparison.Ordinal);
        var badSeverity = Check(Valid(d => d["data"] = new Dictionary<string, object?> { ["code"] = "X", ["component"] = "rcd", ["severity"] = "apocalyptic" }));
        Assert.Contains("data.severity", badSeverity.Detail, StringComparison.Ordinal);
        var badValue = Check(Valid(d => d["data"] = new Dictionary<string, object?> { ["code"] = "X", ["component"] = "rcd", ["severity"] = "minor", ["value"] = "hot" }));
        Assert.Contains("data.value", badValue.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_change_to_an_unknown_state_is_refused() =>
        Assert.Equal(RejectReason.InvalidData, Check(Valid(d => { d["type"] = "state.changed"; d["data"] = new Dictionary<string, object?> { ["from"] = "Operational", ["to"] = "Exploded", ["trigger"] = "x" }; })).Reason);
}

public sealed class FaultCatalogueTests
{
    [Fact]
    public void Every_code_of_the_design_is_in_the_catalogue_with_an_ocpp_mapping()
    {
        string[] codes = ["HighTemperature", "GroundFailure", "OverCurrentFailure", "OverVoltage", "UnderVoltage", "PowerMeterFailure",
            "PowerSwitchFailure", "ConnectorLockFailure", "ReaderFailure", "WeakSignal", "InternalError", "OtherError", "EmergencyStop",
            "EnclosureOpen", "HighHumidity", "FanFailure", "SensorFailure", "StorageFailure", "SurgeProtectionTripped", "RcdSelfTestFailed"];
        string[] ocpp = ["ConnectorLockFailure", "EVCommunicationError", "GroundFailure", "HighTemperature", "InternalError", "LocalListConflict",
            "NoError", "OtherError", "OverCurrentFailure", "OverVoltage", "PowerMeterFailure", "PowerSwitchFailure", "ReaderFailure",
            "ResetFailure", "UnderVoltage", "WeakSignal"];
        foreach (var code in codes)
        {
            Assert.True(FaultCatalogue.TryGet(code, out var d), code);
            Assert.Contains(d.Ocpp16, ocpp);
        }

        Assert.Equal(codes.Length, FaultCatalogue.All.Count);
    }

    [Fact]
    public void Safety_faults_block_charging_and_latch()
    {
        foreach (var code in new[] { FaultCatalogue.GroundFailure, FaultCatalogue.EmergencyStop, FaultCatalogue.PowerSwitchFailure })
        {
            var d = FaultCatalogue.Get(code);
            Assert.True(d.BlocksCharging && d.Latching, code);
            Assert.Equal(Severity.Critical, d.DefaultSeverity);
            Assert.NotNull(d.ChargeXMrec);
        }

        Assert.False(FaultCatalogue.Get(FaultCatalogue.HighHumidity).BlocksCharging);
        Assert.Throws<KeyNotFoundException>(() => FaultCatalogue.Get("Nope"));
    }
}
