namespace LocalLlm.Engine.Sampling;

/// <summary>The logits of one batch index of the backend's last decode (one entry per vocabulary token).</summary>
public delegate ReadOnlySpan<float> LogitsReader(int batchIndex);
