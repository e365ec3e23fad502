using System.Text;

namespace LocalLlm.Server.StructuredOutput;

/// <summary>
/// The rules of one grammar, in the order they were added. Equal bodies under one name hint share a rule; a hint
/// already taken by another body gets a numbered name, so callers never have to invent unique names.
/// </summary>
internal sealed class GbnfRuleSet
{
    private readonly List<(string Name, string Body)> _rules = [];
    private readonly Dictionary<string, string> _bodies = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reserved = new(StringComparer.Ordinal);

    /// <summary>Adds a rule and returns its name.</summary>
    public string Add(string nameHint, string body)
    {
        string baseName = Gbnf.RuleName(nameHint);
        string name = baseName;
        for (int i = 1; _bodies.TryGetValue(name, out string? existing) || Taken(name); i++)
        {
            if (existing == body && !JsonPrimitives.IsName(name))
            {
                return name;
            }

            name = $"{baseName}-{i}";
        }

        _bodies[name] = body;
        _rules.Add((name, body));
        return name;
    }

    /// <summary>Takes a name now for a rule whose body is written later (a recursive <c>$ref</c> refers to itself).</summary>
    public string Reserve(string nameHint)
    {
        string baseName = Gbnf.RuleName(nameHint);
        string name = baseName;
        for (int i = 1; _bodies.ContainsKey(name) || Taken(name); i++)
        {
            name = $"{baseName}-{i}";
        }

        _reserved.Add(name);
        return name;
    }

    /// <summary>Writes the body of a name taken with <see cref="Reserve"/>.</summary>
    public void Define(string reservedName, string body)
    {
        if (!_reserved.Remove(reservedName))
        {
            throw new InvalidOperationException($"Rule '{reservedName}' was not reserved.");
        }

        _bodies[reservedName] = body;
        _rules.Add((reservedName, body));
    }

    /// <summary>Adds a JSON primitive (and the primitives it uses) under its fixed name.</summary>
    public string Primitive(string name)
    {
        if (!_bodies.ContainsKey(name))
        {
            JsonPrimitives.Rule rule = JsonPrimitives.Get(name);
            _bodies[name] = rule.Body;
            _rules.Add((name, rule.Body));
            foreach (string dependency in rule.Uses)
            {
                Primitive(dependency);
            }
        }

        return name;
    }

    /// <summary><c>root</c> and the primitives' names are never given to other rules.</summary>
    private bool Taken(string name) => _reserved.Contains(name) || name == "root" || JsonPrimitives.IsName(name);

    /// <summary>The grammar text: <c>root</c> first, then the other rules in the order they were added.</summary>
    public string Render(string rootBody)
    {
        var text = new StringBuilder("root ::= ").Append(rootBody).Append('\n');
        foreach ((string name, string body) in _rules)
        {
            text.Append(name).Append(" ::= ").Append(body).Append('\n');
        }

        return text.ToString();
    }
}
