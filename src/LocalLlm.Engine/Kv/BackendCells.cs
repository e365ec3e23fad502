using LocalLlm.Engine.Backend;

namespace LocalLlm.Engine.Kv;

/// <summary>KV cell operations carried out on a backend's sequences.</summary>
internal sealed class BackendCells(IModelBackend backend) : IKvCells
{
    public void Share(int source, int target, int fromPos, int toPos) => backend.CopyTokens(source, target, fromPos, toPos);

    public void Drop(int sequence, int fromPos, int toPos) => backend.RemoveTokens(sequence, fromPos, toPos);
}
