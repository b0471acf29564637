import pytest

from evaluation.config import ParameterError, check_parameters, check_region, region_name, regions_for


def test_regions():
    assert check_region("33") == "33"
    assert check_region("33.26") == "33.26"
    assert check_region("id") == "ID"
    assert region_name("33.26") == "Kabupaten Pekalongan"
    assert len(regions_for("33", "regency")) == 35
    assert len(regions_for("ID", "province")) == 38
    assert regions_for("33") == ["33"]


@pytest.mark.parametrize("bad", ["99", "33.99", 99.5, "33.1", "", None, True])
def test_unknown_or_mistyped_region(bad):
    with pytest.raises(ParameterError):
        check_region(bad)


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
