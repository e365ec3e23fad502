namespace LocalLlm.Server.Models;

/// <summary>Turns one models.yaml entry of its backend into a served model.</summary>
internal interface IModelLoader
{
    /// <summary>The <c>backend:</c> names this loader serves (first is the canonical one).</summary>
    IReadOnlyList<string> BackendNames { get; }

    /// <summary>Generates the entry's forge model when it asks for one and the file is missing; then loads it.</summary>
    ModelHost Load(ModelEntry entry);
}
