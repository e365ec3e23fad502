namespace LocalLlm.ModelForge.Fitting;

/// <summary>
/// The vector e in the span of a few unit vectors w(1..K) with e·w(i) = y(i) exactly: e = Σ a(i) w(i) where
/// G a = y for the Gram matrix G(i, j) = w(i)·w(j), solved by Cholesky. Of all vectors meeting the K targets it is
/// the shortest, so it adds the least crosstalk to every other direction's score.
/// </summary>
internal static class CandidateMixture
{
    public static double[] Solve(IReadOnlyList<double[]> directions, IReadOnlyList<double> targets)
    {
        ArgumentNullException.ThrowIfNull(directions);
        ArgumentNullException.ThrowIfNull(targets);
        var k = directions.Count;
        if (targets.Count != k || k == 0)
        {
            throw new ArgumentException("One target per direction, and at least one direction.");
        }

        // G = L·Lᵀ; G is positive definite for linearly independent directions.
        var lower = new double[k, k];
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = Vectors.Dot(directions[i], directions[j]);
                for (var m = 0; m < j; m++)
                {
                    sum -= lower[i, m] * lower[j, m];
                }

                if (i == j && !(sum > 1e-12))
                {
                    throw new ArgumentException("The directions are linearly dependent.", nameof(directions));
                }

                lower[i, j] = i == j ? Math.Sqrt(sum) : sum / lower[j, j];
            }
        }

        var forward = new double[k];
        for (var i = 0; i < k; i++)
        {
            var sum = targets[i];
            for (var m = 0; m < i; m++)
            {
                sum -= lower[i, m] * forward[m];
            }

            forward[i] = sum / lower[i, i];
        }

        var coefficients = new double[k];
        for (var i = k - 1; i >= 0; i--)
        {
            var sum = forward[i];
            for (var m = i + 1; m < k; m++)
            {
                sum -= lower[m, i] * coefficients[m];
            }

            coefficients[i] = sum / lower[i, i];
        }

        var mixture = new double[directions[0].Length];
        for (var i = 0; i < k; i++)
        {
            for (var e = 0; e < mixture.Length; e++)
            {
                mixture[e] += coefficients[i] * directions[i][e];
            }
        }

        return mixture;
    }
}
