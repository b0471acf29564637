"""A notebook run by hand reads the national fit from the hand-run cache, fitted there once.

The fit itself is replaced by a counter here (the real one is timed in
``benchmarks/bench_fit_cache.py``): what is tested is when the cache is read, when it is
refitted, and that nothing is ever read for other data, another package source or other
settings.
"""

from __future__ import annotations

import shutil

import pytest

from evaluation import national
from evaluation.national import National, Settings


@pytest.fixture
def fits(monkeypatch):
    """Replace the national fit by a cheap stand-in that counts its calls."""
    calls = []

    def fake_fit(dataset, key=None, settings=None):
        calls.append((dataset.data_dir, settings))
        return National(key=key or "k", impact=None, trainees=None, risk=None, survival=None, nsw=None,
                        settings=settings or Settings())

    monkeypatch.setattr(national, "fit_national", fake_fit)
    return calls


@pytest.fixture
def data(small_sample, tmp_path):
    out = tmp_path / "data"
    shutil.copytree(small_sample, out)
    return out


def test_the_second_hand_run_reads_what_the_first_fitted(fits, data, tmp_path, monkeypatch):
    monkeypatch.setenv(national.CACHE_ENV, str(tmp_path / "cache"))
    first = national.load_national(data)
    second = national.load_national(data, capacity=None)
    assert len(fits) == 1 and second.key == first.key
    stored = list((tmp_path / "cache").rglob(national.FILE_NAME))
    assert len(stored) == 1 and stored[0].parent.name == first.key


def test_a_changed_data_file_or_other_settings_are_fitted_anew(fits, data, tmp_path, monkeypatch):
    monkeypatch.setenv(national.CACHE_ENV, str(tmp_path / "cache"))
    a = national.load_national(data)
    rows = (data / "regency_years.csv").read_text().splitlines()
    (data / "regency_years.csv").write_text("\n".join(rows[:-1]) + "\n")  # one regency-year fewer
    b = national.load_national(data)
    c = national.load_national(data, capacity=50)
    d = national.load_national(data, capacity=50)
    assert len(fits) == 3 and len({a.key, b.key, c.key}) == 3 and d.key == c.key
    assert c.settings.capacity == 50 and b.settings == Settings()


def test_another_package_source_does_not_read_the_old_fit(fits, data, tmp_path, monkeypatch):
    monkeypatch.setenv(national.CACHE_ENV, str(tmp_path / "cache"))
    national.load_national(data)
    monkeypatch.setattr(national.hashing, "source_digest", lambda *a, **k: "f" * 64)
    national.load_national(data)
    assert len(fits) == 2
    assert len(list((tmp_path / "cache").iterdir())) == 2  # one folder per package source


def test_a_damaged_cache_file_is_refitted_not_trusted(fits, data, tmp_path, monkeypatch):
    monkeypatch.setenv(national.CACHE_ENV, str(tmp_path / "cache"))
    national.load_national(data)
    (path,) = (tmp_path / "cache").rglob(national.FILE_NAME)
    path.write_bytes(b"not a pickle")
    again = national.load_national(data)
    assert len(fits) == 2 and isinstance(again, National)
    assert isinstance(national.read_national(path.parent), National)  # and stored again, whole


def test_the_cache_can_be_switched_off_and_a_run_fit_dir_always_wins(fits, data, tmp_path, monkeypatch):
    monkeypatch.setenv(national.CACHE_ENV, "off")
    assert national.cache_dir() is None
    national.load_national(data)
    national.load_national(data)
    assert len(fits) == 2 and not (tmp_path / "cache").exists()
    run_fit = tmp_path / "run_fit"
    national.store(National(key="run", impact=None, trainees=None, risk=None, survival=None, nsw=None), run_fit)
    assert national.load_national(data, run_fit).key == "run" and len(fits) == 2


def test_the_default_cache_is_in_the_users_cache_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(national.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert national.cache_dir() == tmp_path / "blkk" / "national"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert national.cache_dir() == tmp_path / "home" / ".cache" / "blkk" / "national"


def test_a_read_only_cache_still_gives_the_page_its_numbers(fits, data, tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("")  # a file where the cache folder should be: nothing can be stored
    monkeypatch.setenv(national.CACHE_ENV, str(blocked))
    assert isinstance(national.load_national(data), National) and len(fits) == 1
