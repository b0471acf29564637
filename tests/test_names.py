"""Kab/kota names -> Kemendagri codes: every way of writing a name that the inputs use, and the
names that must stop an import instead of landing on the wrong regency."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from evaluation.data import names as nm
from evaluation.data.reference import load_regencies


@pytest.mark.parametrize("written, province, code", [
    ("Kab. Bogor", None, "32.01"),
    ("Kota Bogor", None, "32.71"),
    ("KABUPATEN BOGOR", None, "32.01"),
    ("Bogor, Kab.", None, "32.01"),
    ("Bolaang Mongondow", None, "71.01"),
    ("Siau Tagulandang Biaro", None, "71.09"),  # Kemendagri: Kabupaten Kep. Siau Tagulandang Biaro
    ("Kabupaten Kepulauan Siau Tagulandang Biaro", None, "71.09"),
    ("Sitaro", None, "71.09"),
    ("Toba Samosir", None, "12.12"),  # renamed Kabupaten Toba (PP 14/2020)
    ("Maluku Tenggara Barat", None, "81.03"),  # renamed Kepulauan Tanimbar (PP 2/2019)
    ("Mamuju Utara", None, "76.01"),  # renamed Pasangkayu (PP 61/2017)
    ("Pangkajene Kepulauan", None, "73.10"),
    ("Pangkajene dan Kepulauan", None, "73.10"),
    ("Kota Tidore Kepulauan", None, "82.72"),
    ("Mahakam Hulu", None, "64.11"),  # Kemendagri: Mahakam Ulu
    ("Mahakam Ulu", None, "64.11"),
    ("Kota Batu", None, "35.79"),
    ("Batu", None, "35.79"),  # not Batu Bara
    ("Batu Bara", None, "12.19"),
    ("Kab. Adm. Kep. Seribu", None, "31.01"),
    ("Kepulauan Seribu", None, "31.01"),
    ("Jakarta Selatan", None, "31.74"),
    ("Kota Adm. Jakarta Selatan", None, "31.74"),
    ("Labuhan Batu", None, "12.10"),
    ("Labuhanbatu", None, "12.10"),
    ("Labuhan Batu Selatan", None, "12.22"),
    ("Pare Pare", None, "73.72"),
    ("Kota Parepare", None, "73.72"),
    ("Bau-Bau", None, "74.72"),
    ("Kota Baubau", None, "74.72"),
    ("Kota Baru", None, "63.02"),  # Kabupaten Kotabaru, whose name begins with "Kota"
    ("Kotamobagu", None, "71.74"),
    ("Kota Kotamobagu", None, "71.74"),
    ("Toli-Toli", None, "72.04"),
    ("Tojo Una-Una", None, "72.09"),
    ("Fakfak", None, "92.03"),
    ("Kota Pangkalpinang", None, "19.71"),
    ("Kota Palangka Raya", None, "62.71"),
    ("Nduga *", None, "95.08"),
    ("Banjar", "32", "32.79"),  # Kota Banjar, Jawa Barat
    ("Banjar", "63", "63.03"),  # Kabupaten Banjar, Kalimantan Selatan
])
def test_names_match_their_regency(written, province, code):
    assert nm.regency_code(written, province=province) == code


def test_every_reference_name_finds_itself():
    """The 514 names as Kemendagri, BPS ('Kab. X') and the short form under its sub-header write them."""
    reg = load_regencies()
    for r in reg.itertuples(index=False):
        kind = r.type.lower()
        abbrev = ("Kab. " if kind == "kabupaten" else "Kota ") + r.short_name
        for written, k in ((r.name, None), (abbrev, None), (r.short_name, kind)):
            assert nm.regency_code(written, kind=k, province=r.province_code) == r.regency_code, written


def test_a_bare_name_of_a_kabupaten_and_a_kota_is_ambiguous():
    with pytest.raises(nm.NameMatchError) as err:
        nm.regency_code("Bogor")
    issue = err.value.issues[0]
    assert issue.problem == "ambiguous"
    assert "Kabupaten Bogor (32.01)" in str(err.value) and "Kota Bogor (32.71)" in str(err.value)
    assert "sub-header" in issue.message


def test_a_sub_header_decides_kabupaten_or_kota():
    assert nm.regency_code("Bogor", kind="kota") == "32.71"
    assert nm.regency_code("Bogor", kind="kabupaten") == "32.01"
    assert nm.regency_code("Manado", kind="kota") == "71.71"
    assert nm.regency_code("Kota Bogor", kind="kabupaten") == "32.71"  # the written type wins


def test_the_other_row_of_a_table_decides_a_bare_name():
    match = nm.match_names(["Bogor", "Kota Bogor", "Kab. Sukabumi"], province="32")
    assert match.code("Bogor") == "32.01" and match.code("Kota Bogor") == "32.71"
    assert any("Kota Bogor" in n and "separately" in n for n in match.notes)


def test_an_old_name_shared_with_a_kota_stays_ambiguous_without_context():
    """'Pontianak' was also the name of today's Kabupaten Mempawah (PP 58/2014)."""
    assert set(nm.candidates("Pontianak")) == {"61.71", "61.02"}
    assert nm.regency_code("Pontianak", kind="kota") == "61.71"
    assert nm.match_names(["Pontianak", "Mempawah"]).code("Pontianak") == "61.71"


def test_an_unknown_name_is_an_error_with_the_closest_names():
    with pytest.raises(nm.NameMatchError) as err:
        nm.regency_code("Kota Padang Sidempuan", province="12")
    issue = err.value.issues[0]
    assert issue.problem == "unknown" and "Sumatera Utara" in issue.message
    assert issue.suggestions[0] == "Kota Padangsidimpuan"
    assert "closest reference names: Kota Padangsidimpuan" in str(err.value)


def test_a_near_spelling_is_suggested_never_taken():
    with pytest.raises(nm.NameMatchError) as err:
        nm.regency_code("Bolaang Mongondo")
    assert "Kabupaten Bolaang Mongondow" in err.value.issues[0].suggestions


def test_a_name_outside_the_province_says_where_it_is():
    with pytest.raises(nm.NameMatchError) as err:
        nm.regency_code("Kab. Kep. Seribu", province="33")
    assert "Jawa Tengah" in str(err.value) and "Kabupaten Administrasi Kepulauan Seribu (31.01)" in str(err.value)


def test_all_problems_of_a_table_come_at_once():
    with pytest.raises(nm.NameMatchError) as err:
        nm.match_names(["Kab. Cilacap", "Kab. Cilacapp", "Semarang", "Kab. Banyumas"], province="33")
    assert [i.name for i in err.value.issues] == ["Kab. Cilacapp", "Semarang"]


@pytest.mark.parametrize("written, code", [
    ("Sulawesi Utara", "71"), ("DKI Jakarta", "31"), ("D.I. Yogyakarta", "34"), ("DI Yogyakarta", "34"),
    ("Prov. Jawa Tengah", "33"), ("Provinsi Jawa Barat", "32"), ("Kep. Bangka Belitung", "19"),
    ("Kepulauan Riau", "21"), ("Riau", "14"), ("33", "33"),
])
def test_province_names(written, code):
    assert nm.province_code(written) == code


def test_a_province_name_is_not_a_regency():
    assert nm.province_code("Indonesia") is None and nm.province_code("Kota Bogor") is None
    assert nm.is_explicit_province("Provinsi Bengkulu") and not nm.is_explicit_province("Bengkulu")


def test_the_province_is_inferred_from_most_names():
    assert nm.infer_province(["Bolaang Mongondow", "Minahasa", "Kota Manado", "Bitung"]) == "71"
    assert nm.infer_province(["Kab. Bogor", "Kota Medan"]) is None


# --------------------------------------------------------------------------- the alias table


def test_alias_table_is_sourced_and_points_at_real_regencies():
    aliases = nm.load_aliases()
    reg = load_regencies().set_index("regency_code")
    assert len(aliases) >= 6
    for a in aliases.itertuples(index=False):
        assert a.regency_code in reg.index, a.alias
        assert reg.loc[a.regency_code, "name"] == a.name, a.alias
        assert a.kind in ("kabupaten", "kota") and a.kind == reg.loc[a.regency_code, "type"].lower()
        assert a.basis in ("renamed", "abbreviation", "spelling")
        assert re.search(r"https?://", a.source), a.alias
        if a.basis == "renamed":
            assert re.search(r"\bPP \d+/\d{4}", a.source), a.alias
    assert set(aliases["alias"]) >= {"Toba Samosir", "Siau Tagulandang Biaro"}


def test_an_alias_is_reported_when_used():
    match = nm.match_names(["Toba Samosir", "Samosir"], province="12")
    assert match.code("Toba Samosir") == "12.12" and match.code("Samosir") == "12.17"
    assert any("Toba Samosir" in n and "renamed" in n for n in match.notes)


def test_normalise_is_the_comparison_key():
    assert nm.normalise("Kab. Pare-Pare") == nm.normalise("kabupaten  parepare")
    assert nm.parse("Kota Bogor").kind == "kota" and nm.parse("Bogor").kind is None
    assert nm.parse("Bogor Regency").kind == "kabupaten"
    assert isinstance(nm.load_aliases(), pd.DataFrame)
