using System.Text.Json.Serialization;

namespace LocalLlm.Server.Chat;

[JsonSerializable(typeof(string))]
internal sealed partial class ChatJsonContext : JsonSerializerContext;
