using System.Text;

namespace LocalLlm.Server.StructuredOutput;

/// <summary>
/// The key of an extra (undeclared) property: a JSON string that is none of the declared names. Keys use unescaped
/// characters only, so no escape sequence can spell a declared name; the exclusion walks a trie of the names.
/// </summary>
internal static class ExtraKeys
{
    private sealed class Node
    {
        public SortedDictionary<int, Node> Children { get; } = [];

        public bool EndsName { get; set; }
    }

    public static string Rule(GbnfRuleSet rules, IEnumerable<string> declared, string nameHint)
    {
        var root = new Node();
        foreach (string name in declared)
        {
            Node node = root;
            bool reachable = true;
            foreach (Rune rune in name.EnumerateRunes())
            {
                // A name with a character keys never hold unescaped cannot be produced, so it needs no exclusion.
                if (!IsPlain(rune.Value))
                {
                    reachable = false;
                    break;
                }

                if (!node.Children.TryGetValue(rune.Value, out Node? child))
                {
                    child = new Node();
                    node.Children[rune.Value] = child;
                }

                node = child;
            }

            if (reachable)
            {
                node.EndsName = true;
            }
        }

        string plain = rules.Primitive("plain-char");
        return rules.Add(nameHint + "-extra-key", $"\"\\\"\" {NotIn(root, plain)} \"\\\"\" {rules.Primitive("space")}");
    }

    /// <summary>Suffixes that, after the prefix leading to <paramref name="node"/>, do not complete a declared name.</summary>
    private static string NotIn(Node node, string plain)
    {
        if (node.Children.Count == 0)
        {
            return node.EndsName ? $"{plain}+" : $"{plain}*";
        }

        var alternatives = new List<string>();
        foreach ((int c, Node child) in node.Children)
        {
            alternatives.Add($"{Gbnf.CharClass([(c, c)])} {NotIn(child, plain)}");
        }

        // Any other next character: the key has left every declared name, so anything may follow.
        var excluded = new List<(int, int)> { (0x00, 0x1F), ('"', '"'), ('\\', '\\'), (0x7F, 0x7F), (0xD800, 0xDFFF) };
        excluded.AddRange(node.Children.Keys.Select(c => (c, c)));
        alternatives.Add($"{Gbnf.CharClass(excluded, negated: true)} {plain}*");
        string group = $"( {string.Join(" | ", alternatives)} )";
        return node.EndsName ? group : group + "?";
    }

    private static bool IsPlain(int codePoint) => CodePointSet.Plain.Contains(codePoint);
}
