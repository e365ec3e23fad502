using LocalLlm.ModelForge.Fitting;

namespace LocalLlm.ModelForge.Tests.Fitting;

public sealed class CandidateMixtureTests
{
    /// <summary>Property over sizes and seeds: the targets are met exactly, by a vector inside the directions' span.</summary>
    [Theory]
    [InlineData(1, 8)]
    [InlineData(4, 16)]
    [InlineData(4, 64)]
    [InlineData(12, 16)]
    public void Solve_IndependentDirections_MeetsTargetsWithShortestVector(int count, int d)
    {
        for (ulong seed = 1; seed <= 20; seed++)
        {
            var random = new DeterministicRandom(seed);
            var directions = Enumerable.Range(0, count).Select(_ => RandomVector(random, d)).ToArray();
            var targets = Enumerable.Range(0, count).Select(_ => random.NextDouble() * 4 - 2).ToArray();

            var mixture = CandidateMixture.Solve(directions, targets);

            for (var i = 0; i < count; i++)
            {
                Assert.Equal(targets[i], Vectors.Dot(mixture, directions[i]), 1e-10);
            }

            // Shortest: no part orthogonal to the span. Removing the projection onto the span leaves nothing.
            var residual = (double[])mixture.Clone();
            var basis = new List<double[]>();
            foreach (var direction in directions)
            {
                var q = (double[])direction.Clone();
                foreach (var b in basis)
                {
                    Axpy(q, b, -Vectors.Dot(q, b));
                }

                Scale(q, 1 / Math.Sqrt(Vectors.Dot(q, q)));
                basis.Add(q);
                Axpy(residual, q, -Vectors.Dot(residual, q));
            }

            Assert.True(Math.Sqrt(Vectors.Dot(residual, residual)) < 1e-10, $"seed {seed}: a part outside the span");
        }
    }

    [Fact]
    public void Solve_RepeatedDirection_Throws()
    {
        var direction = RandomVector(new DeterministicRandom(3), 8);

        Assert.Throws<ArgumentException>(() => CandidateMixture.Solve([direction, direction], [1.0, 0.5]));
    }

    private static double[] RandomVector(DeterministicRandom random, int d)
    {
        var vector = Enumerable.Range(0, d).Select(_ => (double)random.NextGaussianLike()).ToArray();
        Scale(vector, 1 / Math.Sqrt(Vectors.Dot(vector, vector)));
        return vector;
    }

    private static void Axpy(double[] y, double[] x, double a)
    {
        for (var i = 0; i < y.Length; i++)
        {
            y[i] += a * x[i];
        }
    }

    private static void Scale(double[] vector, double factor)
    {
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] *= factor;
        }
    }
}
