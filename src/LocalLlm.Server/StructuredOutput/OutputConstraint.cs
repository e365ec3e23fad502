using System.Text.Json;
using LocalLlm.Server.Models;
using LocalLlm.Server.OpenAi;

namespace LocalLlm.Server.StructuredOutput;

/// <summary>
/// The grammar a chat request puts on its output: <c>response_format</c> (<c>text</c>: none; <c>json_object</c>: any
/// JSON object; <c>json_schema</c>: a document valid against the schema) or the <c>grammar</c> extension (raw GBNF, as
/// llama-server takes it). At most one constraint applies: the two together, or either with a forced tool call, are
/// refused.
/// </summary>
internal static class OutputConstraint
{
    private const string FormatParam = "response_format";
    private const string GrammarParam = "grammar";

    /// <param name="toolCallForced">The tool choice already constrains the output to a call.</param>
    /// <returns>The GBNF grammar (start rule <c>root</c>), or null when the output is free.</returns>
    public static string? Grammar(ChatCompletionRequest request, ModelHost model, bool toolCallForced)
    {
        string? formatGrammar = FromResponseFormat(request.ResponseFormat);
        string? rawGrammar = string.IsNullOrEmpty(request.Grammar) ? null : request.Grammar;
        if (formatGrammar is not null && rawGrammar is not null)
        {
            throw ApiException.BadRequest("'response_format' and 'grammar' cannot be used together: each constrains the whole output.", GrammarParam);
        }

        if (formatGrammar is null && rawGrammar is null)
        {
            return null;
        }

        string param = formatGrammar is not null ? FormatParam : GrammarParam;
        if (toolCallForced)
        {
            throw ApiException.BadRequest(
                $"'{param}' cannot be used with a required tool call ('tool_choice'), which already constrains the output.", param);
        }

        if (model.ValidateGrammar is not { } validate)
        {
            throw ApiException.BadRequest($"Model '{model.Id}' runs on a backend that cannot constrain output with a grammar.", param);
        }

        if (rawGrammar is not null && Gbnf.LargestRepetition(rawGrammar) is > Gbnf.MaxRepetition and int count)
        {
            throw ApiException.BadRequest($"The grammar repeats {count} times; at most {Gbnf.MaxRepetition} repetitions are supported.", GrammarParam);
        }

        try
        {
            validate(formatGrammar ?? rawGrammar!);
        }
        catch (Exception e) when (e is not ApiException)
        {
            // A raw grammar is the caller's to fix; a converted schema that fails to parse is a converter bug.
            throw rawGrammar is not null
                ? ApiException.BadRequest($"The grammar was rejected: {e.Message}", GrammarParam)
                : new ApiException(StatusCodes.Status500InternalServerError, $"The grammar built from 'response_format' was rejected by the backend: {e.Message}", "server_error");
        }

        return formatGrammar ?? rawGrammar;
    }

    private static string? FromResponseFormat(JsonElement? responseFormat)
    {
        if (responseFormat is not { } format || format.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (format.ValueKind != JsonValueKind.Object || !format.TryGetProperty("type", out JsonElement type) || type.ValueKind != JsonValueKind.String)
        {
            throw ApiException.BadRequest("'response_format' must be an object with a 'type'.", FormatParam);
        }

        switch (type.GetString())
        {
            case "text":
                return null;
            case "json_object":
                var rules = new GbnfRuleSet();
                return rules.Render(rules.Primitive("object"));
            case "json_schema":
                return FromJsonSchema(format);
            default:
                throw ApiException.BadRequest(
                    $"Invalid value '{type.GetString()}' for 'response_format.type': expected 'text', 'json_object' or 'json_schema'.", FormatParam);
        }
    }

    private static string FromJsonSchema(JsonElement format)
    {
        if (!format.TryGetProperty("json_schema", out JsonElement jsonSchema) || jsonSchema.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest("'response_format.json_schema' must be an object with 'name' and 'schema'.", FormatParam);
        }

        if (!jsonSchema.TryGetProperty("name", out JsonElement name) || name.ValueKind != JsonValueKind.String || name.GetString() is not { Length: > 0 })
        {
            throw ApiException.BadRequest("'response_format.json_schema.name' must be a non-empty string.", FormatParam);
        }

        bool strict = jsonSchema.TryGetProperty("strict", out JsonElement strictValue) && strictValue.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw ApiException.BadRequest("'response_format.json_schema.strict' must be a boolean.", FormatParam),
        };

        // Without a schema any JSON document will do.
        JsonElement schema = jsonSchema.TryGetProperty("schema", out JsonElement given) && given.ValueKind != JsonValueKind.Null
            ? given
            : JsonDocument.Parse("true").RootElement;
        try
        {
            return JsonSchemaConverter.Grammar(schema, strict);
        }
        catch (UnsupportedSchemaException e)
        {
            throw ApiException.BadRequest($"Invalid 'response_format.json_schema.schema': {e.Message}.", FormatParam);
        }
    }
}
