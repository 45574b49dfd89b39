"""Figures over seeds: mean and 95% interval per group, and a two-sample comparison.

The interval is the Student-t one, mean +- t(0.975, n-1) * s / sqrt(n) with s the sample standard
deviation (n-1 in the denominator); one seed gives no interval. The comparison of two settings
reports Welch's t-test and the Mann-Whitney U test (two-sided; scipy.stats), since a handful of
seeds can't show that FIDs are normal.
"""
import collections
import math

Interval = collections.namedtuple("Interval", "n mean low high")
Comparison = collections.namedtuple("Comparison", "metric a b n_a n_b mean_a mean_b welch_p mannwhitney_p")


def interval(values):
    from scipy import stats
    values = [v for v in values if v is not None]
    n = len(values)
    if not n:
        return Interval(0, None, None, None)
    mean = sum(values) / n
    if n == 1:
        return Interval(1, mean, None, None)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    return Interval(n, mean, mean - half, mean + half)


def compare(metric, a, b, values_a, values_b):
    """Welch's t and Mann-Whitney U p-values of two settings' values (None below 2 seeds each)."""
    from scipy import stats
    values_a = [v for v in values_a if v is not None]
    values_b = [v for v in values_b if v is not None]
    welch = mann = None
    if len(values_a) >= 2 and len(values_b) >= 2:
        welch = float(stats.ttest_ind(values_a, values_b, equal_var=False).pvalue)
        mann = float(stats.mannwhitneyu(values_a, values_b, alternative="two-sided").pvalue)
    mean = lambda vs: sum(vs) / len(vs) if vs else None   # noqa: E731
    return Comparison(metric, a, b, len(values_a), len(values_b), mean(values_a), mean(values_b),
                      welch, mann)
