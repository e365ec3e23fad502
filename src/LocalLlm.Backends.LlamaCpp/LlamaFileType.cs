namespace LocalLlm.Backends.LlamaCpp;

/// <summary>
/// <c>enum llama_ftype</c>: the dominant tensor type of a model file ("mostly": 1-D tensors stay F32).
/// Values are llama.cpp's and are passed to it unchanged.
/// </summary>
public enum LlamaFileType
{
    AllF32 = 0,
    MostlyF16 = 1,
    MostlyQ4_0 = 2,
    MostlyQ4_1 = 3,
    MostlyQ8_0 = 7,
    MostlyQ5_0 = 8,
    MostlyQ5_1 = 9,
    MostlyQ2_K = 10,
    MostlyQ3_K_S = 11,
    MostlyQ3_K_M = 12,
    MostlyQ3_K_L = 13,
    MostlyQ4_K_S = 14,
    MostlyQ4_K_M = 15,
    MostlyQ5_K_S = 16,
    MostlyQ5_K_M = 17,
    MostlyQ6_K = 18,
    MostlyBF16 = 32,

    /// <summary>Not stored in the file; llama.cpp guessed it from the tensors.</summary>
    Guessed = 1024,
}
