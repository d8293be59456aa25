"""Property tests for the z-score code (hypothesis)."""

import math

from hypothesis import given, settings, strategies as st

from health.growth import child_zscores, reference2007_zscores

any_float = st.floats(allow_nan=True, allow_infinity=True)
sexes = st.sampled_from([1, 2, "L", "P", "x", 0, None])
positions = st.sampled_from(["L", "H", "l", "h", None, "", "X"])
ages_2006 = st.integers(min_value=0, max_value=1826)
sex12 = st.sampled_from([1, 2])


@settings(max_examples=150, deadline=None)
@given(sexes, any_float, any_float, any_float, positions, any_float, any_float)
def test_child_zscores_never_raises(sex, age, weight, length, position, head, muac):
    z = child_zscores(sex, age, weight, length, position, head, muac)
    for value in (z.waz, z.haz, z.whz, z.baz, z.hcz, z.acz):
        assert value is None or math.isfinite(value)


@settings(max_examples=150, deadline=None)
@given(sexes, any_float, any_float, any_float)
def test_reference2007_never_raises(sex, age, height, weight):
    z = reference2007_zscores(sex, age, height, weight)
    for value in (z.haz, z.waz, z.baz):
        assert value is None or math.isfinite(value)


@settings(max_examples=100, deadline=None)
@given(sex12, ages_2006, st.floats(0.3, 60), st.floats(0.3, 60), st.floats(45, 120))
def test_monotonic_in_weight(sex, age, w1, w2, length):
    lo, hi = sorted((w1, w2))
    a = child_zscores(sex, age, lo, length, "L" if age < 731 else "H")
    b = child_zscores(sex, age, hi, length, "L" if age < 731 else "H")
    assert a.waz <= b.waz
    assert a.baz <= b.baz
    if a.whz is not None:
        assert a.whz <= b.whz


@settings(max_examples=100, deadline=None)
@given(sex12, ages_2006, st.floats(30, 130), st.floats(30, 130))
def test_monotonic_in_length(sex, age, l1, l2):
    lo, hi = sorted((l1, l2))
    assert child_zscores(sex, age, length_cm=lo).haz <= child_zscores(sex, age, length_cm=hi).haz


@settings(max_examples=100, deadline=None)
@given(sex12, st.floats(61, 228), st.floats(0.5, 200), st.floats(0.5, 200))
def test_2007_monotonic_in_weight(sex, age, w1, w2):
    lo, hi = sorted((w1, w2))
    a = reference2007_zscores(sex, age, 140, lo)
    b = reference2007_zscores(sex, age, 140, hi)
    assert a.baz <= b.baz
    if age <= 120:
        assert a.waz <= b.waz
    else:
        assert a.waz is None and b.waz is None


@settings(max_examples=100, deadline=None)
@given(sex12, st.integers(1827, 100_000), st.floats(0.5, 60), st.floats(45, 120))
def test_none_from_60_months(sex, age, weight, length):
    z = child_zscores(sex, age, weight, length, "H", 40, 15)
    assert (z.waz, z.haz, z.whz, z.baz, z.hcz, z.acz) == (None,) * 6


@settings(max_examples=100, deadline=None)
@given(sex12, st.integers(0, 730), st.floats(0.5, 30),
       st.one_of(st.floats(1, 44.99), st.floats(110.01, 300)))
def test_wfl_none_outside_45_110(sex, age, weight, length):
    assert child_zscores(sex, age, weight, length, "L").whz is None


@settings(max_examples=100, deadline=None)
@given(sex12, st.integers(731, 1826), st.floats(0.5, 30),
       st.one_of(st.floats(1, 64.99), st.floats(120.01, 300)))
def test_wfh_none_outside_65_120(sex, age, weight, height):
    assert child_zscores(sex, age, weight, height, "H").whz is None


@settings(max_examples=100, deadline=None)
@given(sex12, st.one_of(st.floats(0, 60.99), st.floats(228.01, 1e6)),
       st.floats(50, 200), st.floats(5, 150))
def test_2007_none_outside_61_228(sex, age, height, weight):
    z = reference2007_zscores(sex, age, height, weight)
    assert (z.haz, z.waz, z.baz) == (None, None, None)


@settings(max_examples=100, deadline=None)
@given(sex12, ages_2006, st.one_of(st.just(0.0), st.floats(max_value=0.0)))
def test_non_positive_measurements_give_none(sex, age, value):
    z = child_zscores(sex, age, value, value, "L", value, value)
    assert (z.waz, z.haz, z.whz, z.baz, z.hcz, z.acz) == (None,) * 6
