namespace LocalLlm.ModelForge.Fitting;

/// <summary>Sums and dot products in a fixed left-to-right order, so the fit's bits do not depend on the runtime.</summary>
internal static class Vectors
{
    /// <summary>A plain left-to-right sum: LINQ's may be vectorised, which would reorder additions and change bits.</summary>
    public static double Sum(double[] values)
    {
        var sum = 0.0;
        foreach (var value in values)
        {
            sum += value;
        }

        return sum;
    }

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
