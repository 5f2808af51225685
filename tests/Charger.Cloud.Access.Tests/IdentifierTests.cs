
namespace Charger.Cloud.Access.Tests;

/// <summary>User and customer ids are whole-string matches (a trailing newline is not an id); phones are masked for roles that may not read them.</summary>
public sealed class IdentifierTests
{
    [Theory]
    [InlineData("li.wei")]
    [InlineData("eng-07")]
    public void A_user_id_of_lower_case_letters_digits_and_dot_dash_underscore_is_valid(string id) => Assert.True(UserStore.IsValidUserId(id));

    [Theory]
    [InlineData("admin\n")]
    [InlineData("admin\r\n")]
    [InlineData("\nadmin")]
    [InlineData("Admin")]
    [InlineData("")]
    public void A_user_id_with_a_newline_or_outside_the_pattern_is_refused(string id) => Assert.False(UserStore.IsValidUserId(id));

    [Theory]
    [InlineData("C-1\n")]
    [InlineData("C-1\r\n")]
    [InlineData("")]
    [InlineData("C 1")]
    public void A_customer_id_with_a_newline_or_outside_the_pattern_is_refused(string id) => Assert.False(CustomerStore.IsValidId(id));

    [Fact]
    public void A_customer_id_of_letters_digits_and_dot_dash_underscore_is_valid() => Assert.True(CustomerStore.IsValidId("C-2026.001_a"));

    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("+8613812345678", "+86*******5678")]
    [InlineData("1234567890", "******7890")]
    [InlineData("123456789", "*****6789")]
    [InlineData("12345678", "****5678")]
    [InlineData("123456", "****56")]
    [InlineData("1234", "****")]
    public void A_masked_phone_shows_at_most_its_last_four_digits_and_never_half_of_a_short_number(string phone, string masked)
    {
        Assert.Equal(masked, Masking.Phone(phone));
        var shown = masked.Count(c => c != '*');
        Assert.True(phone.Length >= 11 ? shown <= 7 : shown <= phone.Length / 2, $"{masked} shows {shown} of {phone.Length}");
    }
}
