using Charger.Cloud.Mqtt;

namespace Charger.Cloud.Tests.Mqtt;

public sealed class TopicRulesTests
{
    [Theory]
    [InlineData("ev/v1/CP-1/ack", true)]
    [InlineData("ev/v1/CP-1/cmd/#", true)]
    [InlineData("ev/v1/CP-1/cmd/+", true)]
    [InlineData("ev/v1/CP-1/cmd/config", true)]
    [InlineData("ev/v1/CP-1/cmd/config/x", false)]
    [InlineData("ev/v1/CP-1/#", false)]
    [InlineData("ev/v1/CP-1/events", false)]
    [InlineData("ev/v1/CP-10/ack", false)]
    [InlineData("ev/v1/+/ack", false)]
    [InlineData("$SYS/#", false)]
    public void Charger_subscriptions_are_limited_to_its_own_ack_and_commands(string filter, bool allowed)
    {
        Assert.Equal(allowed, TopicRules.CheckChargerSubscribe("CP-1", filter) is null);
    }

    [Theory]
    [InlineData("ev/v1/+/events", true)]
    [InlineData("ev/v1/+/status", true)]
    [InlineData("ev/v1/+/telemetry", true)]
    [InlineData("ev/v1/+/cmd-result", true)]
    [InlineData("ev/v1/CP-1/events", true)]
    [InlineData("ev/v1/+/ack", false)]
    [InlineData("ev/v1/#", false)]
    [InlineData("#", false)]
    public void Receiver_subscribes_only_to_agent_to_cloud_topics(string filter, bool allowed)
    {
        Assert.Equal(allowed, TopicRules.CheckReceiverSubscribe(filter) is null);
    }

    [Theory]
    [InlineData("ev/v1/CP-1/ack", true)]
    [InlineData("ev/v1/CP-1/cmd/reboot", true)]
    [InlineData("ev/v1/CP-1/cmd/#", false)]
    [InlineData("ev/v1/CP-1/events", false)]
    [InlineData("ev/v1/CP-1/status", false)]
    public void Receiver_publishes_only_acks_and_commands(string topic, bool allowed)
    {
        Assert.Equal(allowed, TopicRules.CheckReceiverPublish(topic) is null);
    }

    [Fact]
    public void No_charger_id_can_take_the_receiver_identity()
    {
        Assert.False(Charger.Protocol.ChargerId.IsValid(EmbeddedBroker.ReceiverUserName));
        Assert.False(Charger.Protocol.ChargerId.IsValid(EmbeddedBroker.ReceiverClientId));
    }
}
