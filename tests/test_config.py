import pytest

from evaluation.config import ParameterError
from evaluation.data.regions import NATIONAL, RegionError, check_region, in_region, kind, region_name, regions_for
from evaluation.parameters import check_parameters


def test_regions():
    assert check_region("33") == "33"
    assert check_region("33.26") == "33.26"
    assert check_region("id") == NATIONAL == "ID"
    assert region_name("33.26") == "Kabupaten Pekalongan"
    assert len(regions_for("33", "regency")) == 35
    assert len(regions_for("ID", "province")) == 38
    assert regions_for("33") == ["33"]
    assert [kind(r) for r in ("ID", "33", "33.26")] == ["national", "province", "regency"]
    assert list(in_region(["33.01", "34.01", "33.26"], "33")) == [True, False, True]
    assert list(in_region(["33.01", "33.26"], "33.26")) == [False, True]


@pytest.mark.parametrize("bad", ["99", "33.99", 99.5, "33.1", "", None, True])
def test_unknown_or_mistyped_region(bad):
    with pytest.raises(RegionError):
        check_region(bad)
    with pytest.raises(ParameterError):
        check_parameters(bad, ".")


def test_numbers_from_papermill_map_back_to_codes():
    # `papermill -p region 33.10` delivers the float 33.1; `-p region 33` the int 33
    assert check_region(33.1) == "33.10"
    assert check_region(33.26) == "33.26"
    assert check_region(33) == "33"


def test_check_parameters(sample_dir):
    p = check_parameters("33", str(sample_dir), "id")
    assert p["data_dir"].is_dir() and p["language"] == "id"
    with pytest.raises(ParameterError, match="language"):
        check_parameters("33", str(sample_dir), "fr")
    with pytest.raises(ParameterError, match="not a folder"):
        check_parameters("33", "/nonexistent/place")
    with pytest.raises(ParameterError, match="control_group must be one of"):
        check_parameters("33", str(sample_dir), control_group="everyone")
    with pytest.raises(ParameterError, match="min_controls must be at least 2"):
        check_parameters("33", str(sample_dir), min_controls=1)
    assert check_parameters("33", str(sample_dir), top_n=15.0)["top_n"] == 15
