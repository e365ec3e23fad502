namespace LocalLlm.ModelForge.Fitting;

/// <summary>A dot product in a fixed left-to-right order (no vectorised reordering), so the fit's bits do not depend on the runtime.</summary>
internal static class Vectors
{
    public static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
