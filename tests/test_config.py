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


@pytest.mark.parametrize("bad", ["99", "33.99", 33.1, 33, ""])
def test_unknown_or_mistyped_region(bad):
    with pytest.raises(ParameterError):
        check_region(bad)


def test_number_region_message_explains():
    with pytest.raises(ParameterError, match="quote it"):
        check_region(33.1)


def test_check_parameters(sample_dir):
    p = check_parameters("33", str(sample_dir), "id")
    assert p["data_dir"].is_dir() and p["language"] == "id"
    with pytest.raises(ParameterError, match="language"):
        check_parameters("33", str(sample_dir), "fr")
    with pytest.raises(ParameterError, match="not a folder"):
        check_parameters("33", "/nonexistent/place")
