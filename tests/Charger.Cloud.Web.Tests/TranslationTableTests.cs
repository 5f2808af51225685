using System.Text.Json;
using System.Text.RegularExpressions;
using Charger.Cloud.Hosting;
using Microsoft.Extensions.FileProviders;

namespace Charger.Cloud.Web.Tests;

/// <summary>
/// The UI's one translation table (<c>wwwroot/i18n/strings.json</c>) against the code that uses it, read from the files
/// the cloud serves: a key the code uses and the table lacks, a text without its Chinese, a placeholder one language
/// forgets, or a key nothing uses fails here, before anyone sees <c>⟦key⟧</c>.
/// </summary>
public sealed partial class TranslationTableTests
{
    private static readonly string[] Languages = ["en", "zh"];

    private static string Read(IFileInfo file)
    {
        using var stream = file.CreateReadStream();
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static Dictionary<string, Dictionary<string, string>> Table()
    {
        var file = WebUi.Files.GetFileInfo("i18n/strings.json");
        Assert.True(file.Exists, "wwwroot/i18n/strings.json is not embedded");
        return JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(Read(file))!;
    }

    /// <summary>Every script of the UI, by embedded name (the folders joined by dots: <c>js.pages.fleet.js</c>).</summary>
    private static Dictionary<string, string> Scripts() =>
        WebUi.Files.GetDirectoryContents(string.Empty)
            .Where(f => !f.IsDirectory && f.Name.EndsWith(".js", StringComparison.Ordinal))
            .ToDictionary(f => f.Name, Read, StringComparer.Ordinal);

    [GeneratedRegex(@"\bt\(\s*'([^']+)'")]
    private static partial Regex KeyUse();

    [GeneratedRegex(@"\btOr\(\s*'([^']+\.)'")]
    private static partial Regex PrefixUse();

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Placeholder();

    [Fact]
    public void Every_entry_has_its_text_in_every_language_with_the_same_placeholders()
    {
        var table = Table();
        Assert.True(table.Count > 100, $"only {table.Count} entries");
        foreach (var (key, texts) in table)
        {
            foreach (var language in Languages)
            {
                Assert.True(texts.TryGetValue(language, out var text) && !string.IsNullOrWhiteSpace(text), $"{key} has no {language} text");
            }

            var en = Placeholder().Matches(texts["en"]).Select(m => m.Value).Order(StringComparer.Ordinal);
            var zh = Placeholder().Matches(texts["zh"]).Select(m => m.Value).Order(StringComparer.Ordinal);
            Assert.True(en.SequenceEqual(zh), $"{key}: placeholders differ between en '{texts["en"]}' and zh '{texts["zh"]}'");
        }
    }

    [Fact]
    public void Every_key_the_code_uses_is_in_the_table_and_every_entry_is_used()
    {
        var table = Table();
        var scripts = Scripts();
        Assert.Contains("js.pages.fleet.js", scripts.Keys);

        var used = scripts.SelectMany(s => KeyUse().Matches(s.Value).Select(m => (File: s.Key, Key: m.Groups[1].Value))).ToList();
        var missing = used.Where(u => !table.ContainsKey(u.Key)).Select(u => $"{u.File}: {u.Key}").Distinct().ToList();
        Assert.True(missing.Count == 0, "keys used but not in the table:\n" + string.Join('\n', missing));

        var prefixes = scripts.Values.SelectMany(s => PrefixUse().Matches(s).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        var keys = used.Select(u => u.Key).ToHashSet(StringComparer.Ordinal);
        var unused = table.Keys.Where(k => !keys.Contains(k) && !prefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))).ToList();
        Assert.True(unused.Count == 0, "entries nothing uses:\n" + string.Join('\n', unused));
    }

    [Fact]
    public void The_Chinese_of_every_entry_is_Chinese_unless_it_is_a_name_both_languages_share()
    {
        // Abbreviations and product names are written the same in both, and a text of only values and punctuation has
        // nothing to translate; everything else must not be left in English.
        string[] shared = ["SLA", "KPI", "MTTR", "MTBF", "ID", "CSV", "English", "中文"];
        var untranslated = Table()
            .Where(e => Placeholder().Replace(e.Value["zh"], string.Empty).Any(char.IsLetter))
            .Where(e => !e.Value["zh"].Any(c => c is >= '\u4e00' and <= '\u9fff') && !shared.Any(s => e.Value["zh"].Contains(s, StringComparison.Ordinal)))
            .Select(e => $"{e.Key}: {e.Value["zh"]}")
            .ToList();
        Assert.True(untranslated.Count == 0, "zh texts without Chinese:\n" + string.Join('\n', untranslated));
    }
}
