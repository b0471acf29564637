"""Synthetic BLKK dataset with planted, recorded truth.

``generate(seed)`` builds the four public tables of the data contract (``centers``,
``center_years``, ``regency_years``, ``trainees``) and the truth tables that a
synthetic dataset can know but real data cannot (true probabilities, potential outcomes,
planted effects). ``write_sample(out_dir, seed)`` writes them as CSV, byte-identical for
the same seed.

Calibration (see ``data/sample/DATA_CARD.md``):

* real: the 514 kab/kota with Kemendagri codes and Dukcapil 2025 population, the number of
  centers built per year 2017-2023, four Jawa Tengah regency counts, the provincial August TPT
  2018-2024, the national TPT, the Jawa Tengah UMK 2024, the BPS provincial average wage 2023
  (where published), the reported stage shares of 2023, accreditation and incubator shares;
* assumed: everything else (allocation of centers to regencies, host and vocation shares,
  center operations, regency deviations from their province, wages outside Jawa Tengah,
  trainee survey).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.config import REFERENCE_DIR
from evaluation.data.reference import load_regencies, load_tpt_national, load_tpt_province, load_umk_jateng
from evaluation.data.stages import StageThresholds, derive_stage
from evaluation.data.schema import STAGES

DEFAULT_SEED = 20260101

YEARS = tuple(range(2015, 2025))
LAST_YEAR = 2024
COHORT_COUNTS = {2017: 50, 2018: 75, 2019: 988, 2020: 1014, 2021: 785, 2022: 845, 2023: 525}
FIXED_REGENCY_COUNTS = {"33.25": 17, "33.26": 20, "33.75": 4, "33.27": 24}
KOTA_WEIGHT = 0.3
#: "Mandiri within four years": stage is mandiri in some year with age <= 4, where the
#: opening (cohort) year is age 1, i.e. by the end of year ``cohort + 3``.
MANDIRI_HORIZON_AGE = 4
TRAINEE_YEARS = (2019, 2020, 2021, 2022, 2023)

#: Relative density of pesantren / Islamic institutions by province (assumption).
PESANTREN_DENSITY = {
    "11": 1.7, "12": 0.8, "13": 1.2, "14": 1.0, "15": 1.1, "16": 1.0, "17": 0.9, "18": 1.1, "19": 0.7,
    "21": 0.6, "31": 0.6, "32": 1.4, "33": 1.25, "34": 1.1, "35": 1.5, "36": 1.7, "51": 0.12, "52": 1.8,
    "53": 0.15, "61": 0.8, "62": 0.7, "63": 1.3, "64": 0.8, "65": 0.7, "71": 0.2, "72": 0.9, "73": 1.1,
    "74": 1.0, "75": 1.1, "76": 1.1, "81": 0.5, "82": 0.8, "91": 0.2, "92": 0.3, "93": 0.25, "94": 0.15,
    "95": 0.1, "96": 0.3,
}
#: Share of non-pesantren religious hosts (churches, temples) is higher where Muslims are a minority.
OTHER_RELIGIOUS_SHARE = {"51": 0.7, "53": 0.75, "71": 0.7, "81": 0.4, "12": 0.25, "61": 0.3, "62": 0.25,
                         "91": 0.7, "92": 0.55, "93": 0.6, "94": 0.75, "95": 0.8, "96": 0.55}
OTHER_RELIGIOUS_DEFAULT = 0.11
JAVA = ("31", "32", "33", "34", "35", "36")

#: Approximate UMP 2024 (IDR/month) used as the base for synthetic UMK outside Jawa Tengah (assumption).
UMP_2024 = {
    "11": 3460672, "12": 2809915, "13": 2811449, "14": 3294625, "15": 3037121, "16": 3456874, "17": 2507079,
    "18": 2716497, "19": 3640000, "21": 3279194, "31": 5067381, "32": 2057495, "33": 2036947, "34": 2125897,
    "35": 2165244, "36": 2727812, "51": 2813672, "52": 2444067, "53": 2186826, "61": 2702616, "62": 3261616,
    "63": 3282812, "64": 3360858, "65": 3361653, "71": 3545000, "72": 2736698, "73": 3434298, "74": 2885964,
    "75": 3025100, "76": 2914958, "81": 2949953, "82": 3200000, "91": 4024270, "92": 3393000, "93": 4024270,
    "94": 4024270, "95": 4024270, "96": 3393000,
}
#: Assumed year-on-year UMK growth used to deflate 2024 values to earlier years.
UMK_GROWTH = {2016: 0.07, 2017: 0.07, 2018: 0.07, 2019: 0.07, 2020: 0.07, 2021: 0.05, 2022: 0.05, 2023: 0.06,
              2024: 0.06}

#: Vocation (kejuruan) menus and shares (shares: assumption from the calibration sheet).
VOCATION_SHARES = {
    "TIK": 0.30, "Menjahit": 0.22, "Otomotif Sepeda Motor": 0.12, "Las": 0.10,
    "Pengolahan Hasil Pertanian": 0.10, "Bahasa": 0.04, "Pengolahan Hasil Perikanan": 0.03,
    "Pengolahan Kayu": 0.03, "Refrigerasi dan Listrik": 0.03, "Industri Kreatif": 0.012,
}
MENU_2017 = ("TIK", "Menjahit", "Otomotif Sepeda Motor", "Las")
MENU_2019 = tuple(VOCATION_SHARES)
EXTRA_2020 = (
    "Elektronika", "Multimedia", "Tata Boga", "Tata Rias", "Agroindustri", "Seni Kriya", "Otomotif Mobil",
    "Konstruksi Bangunan", "Instalasi Telekomunikasi", "Perhotelan", "Kesenian", "Perkapalan", "Robotika",
    "Budidaya Perikanan",
)
OTHER_SHARE_2020 = 0.018  # spread over EXTRA_2020

#: Effects of vocation and host on latent capacity, employment effect and wage effect (assumption).
VOC_CAPACITY = {"TIK": 0.15, "Menjahit": 0.1, "Otomotif Sepeda Motor": 0.05, "Las": 0.1,
                "Pengolahan Hasil Pertanian": 0.05, "Bahasa": -0.3, "Pengolahan Hasil Perikanan": 0.0,
                "Pengolahan Kayu": -0.05, "Refrigerasi dan Listrik": 0.0, "Industri Kreatif": 0.1}
HOST_CAPACITY = {"pesantren": 0.0, "other_religious": -0.15, "union": 0.4, "community": -0.3}
VOC_SELF_EMPLOYED = {"Menjahit": 0.6, "Pengolahan Hasil Pertanian": 0.65, "Pengolahan Hasil Perikanan": 0.65,
                     "Tata Boga": 0.7, "Tata Rias": 0.6, "Seni Kriya": 0.7, "Pengolahan Kayu": 0.55,
                     "Las": 0.35, "Otomotif Sepeda Motor": 0.45, "TIK": 0.3, "Bahasa": 0.2}
VOC_FEMALE = {"Menjahit": 0.88, "Tata Boga": 0.8, "Tata Rias": 0.92, "TIK": 0.5, "Bahasa": 0.6,
              "Pengolahan Hasil Pertanian": 0.6, "Pengolahan Hasil Perikanan": 0.55, "Multimedia": 0.45,
              "Las": 0.05, "Otomotif Sepeda Motor": 0.06, "Otomotif Mobil": 0.05, "Refrigerasi dan Listrik": 0.08,
              "Pengolahan Kayu": 0.12, "Konstruksi Bangunan": 0.05, "Elektronika": 0.15}
VOC_EMP_EFFECT = {"TIK": 0.02, "Las": 0.035, "Otomotif Sepeda Motor": 0.025, "Menjahit": 0.0, "Bahasa": -0.03,
                  "Pengolahan Hasil Pertanian": 0.01, "Refrigerasi dan Listrik": 0.03}
VOC_WAGE_EFFECT = {"TIK": 0.05, "Las": 0.06, "Otomotif Sepeda Motor": 0.03, "Menjahit": -0.03, "Bahasa": 0.0,
                   "Pengolahan Hasil Pertanian": -0.02, "Refrigerasi dan Listrik": 0.05}
HOST_EMP_EFFECT = {"pesantren": 0.0, "other_religious": -0.01, "union": 0.035, "community": -0.01}
HOST_WAGE_EFFECT = {"pesantren": 0.0, "other_religious": -0.01, "union": 0.05, "community": 0.0}

#: Regency effect of centers (planted, tiny): per year of exposure, per center per 10k labour force.
#: Yearly accreditation hazard (LA-LPK) for a center that is (mandiri, berkembang) in that year;
#: calibrated to 3.3% of centers accredited in 2023 (reported), with more in 2024.
ACCREDITATION_HAZARD = {2021: (0.1, 0.012), 2022: (0.1, 0.012), 2023: (0.1, 0.012), 2024: (0.08, 0.015)}
#: Regency TPT noise: AR(1) with this coefficient and innovations of this share of the
#: provincial TPT level (about 0.3 pp where TPT is 5%).
NOISE_AR = 0.6
NOISE_SD_SHARE = 0.06
EFFECT_UR_PER_YEAR = -0.04  # percentage points
EFFECT_UR_CAP = -0.2
EFFECT_LOGWAGE_PER_YEAR = 0.0015
EFFECT_LOGWAGE_CAP = 0.01

#: Known Jawa Tengah regency TPT points (BPS via news, see anchors) used to place regencies
#: relative to the provincial rate: (code, year, tpt).
JATENG_POINTS = (
    ("33.28", 2021, 9.97), ("33.01", 2021, 9.97), ("33.29", 2021, 9.78), ("33.74", 2021, 9.54),
    ("33.71", 2021, 8.73), ("33.76", 2021, 8.25), ("33.72", 2021, 7.8), ("33.29", 2023, 8.98),
    ("33.12", 2023, 1.92), ("33.27", 2023, 6.55), ("33.27", 2024, 6.63), ("33.29", 2025, 8.35),
    ("33.28", 2025, 7.61), ("33.02", 2025, 6.26), ("33.11", 2025, 4.32), ("33.19", 2025, 3.23),
    ("33.15", 2025, 3.12), ("33.09", 2025, 2.97), ("33.17", 2025, 2.9), ("33.23", 2025, 2.31),
    ("33.12", 2025, 2.16),
)
JATENG_TPT_2025 = 4.66

PESANTREN_NAMES = (
    "Al-Falah", "Al-Hikmah", "Darul Ulum", "Nurul Huda", "Miftahul Huda", "Al-Ikhlas", "Darussalam",
    "Al-Hidayah", "Nurul Iman", "Al-Muttaqin", "Baitul Hikmah", "Raudlatul Ulum", "Al-Amin", "Al-Anwar",
    "Darul Falah", "Mambaul Ulum", "Bahrul Ulum", "Al-Kautsar", "Al-Maarif", "Roudlotul Jannah",
    "Nurul Falah", "Al-Islah", "Darul Hikmah", "Miftahul Ulum", "Al-Furqon", "Hidayatullah", "Al-Mubarok",
    "Nurul Jannah", "Darul Amanah", "Al-Muhajirin", "Sabilul Huda", "Al-Barokah", "Manbaul Hikmah",
    "Riyadlul Jannah", "Al-Inayah", "Darul Muttaqin", "Nurul Ulum", "Al-Mustaqim", "Tarbiyatul Islam",
    "Darun Najah", "Al-Husna", "Nurul Hidayah", "Al-Ittihad", "Assalafiyah", "Al-Azhar", "Daarul Quran",
    "Annur", "Ash-Shiddiqiyah", "Al-Qodiri", "Miftahul Jannah", "Baitul Quran", "Al-Ma'wa", "Roudlotul Huda",
    "Darul Aitam", "Al-Wasilah", "Al-Mizan", "Nurussalam", "Darul Fikri", "Al-Fatah", "Hidayatus Salikin",
)
PESANTREN_PREFIX = ("Pondok Pesantren", "Pesantren", "Pondok Pesantren Modern", "Pondok Pesantren Salafiyah")
ISLAMIC_ORGS = ("Pimpinan Cabang Muhammadiyah", "Majelis Wakil Cabang Nahdlatul Ulama",
                "Yayasan Pendidikan Islam", "Yayasan Masjid", "Pimpinan Daerah Aisyiyah", "Yayasan Dakwah Islamiyah")
CHRISTIAN_ORGS = ("Yayasan Pendidikan Kristen", "Yayasan Katolik", "Jemaat Gereja Injili", "Yayasan Gereja Protestan",
                  "Jemaat Gereja Masehi Advent Hari Ketujuh", "Yayasan Karya Katolik")
OTHER_ORG_NAMES = ("Imanuel", "Bethel", "Sion", "Efata", "Kasih", "Damai", "Harapan", "Pengharapan", "Sukacita",
                   "Terang", "Syalom", "Maranatha", "Bukit Zaitun", "Betlehem", "Kanaan", "Galilea")
HINDU_ORGS = ("Yayasan Dharma", "Yayasan Widya Dharma", "Yayasan Hindu Dharma")
HINDU_NAMES = ("Santhi", "Sukerta", "Jnana", "Giri", "Karya", "Pertiwi", "Kerthi", "Budaya")
UNION_SECTORS = ("Tekstil Sandang dan Kulit", "Logam Elektronik dan Mesin", "Kimia Energi dan Pertambangan",
                 "Transportasi", "Perkebunan", "Makanan dan Minuman", "Farmasi dan Kesehatan",
                 "Pariwisata", "Perkayuan", "Konstruksi", "Garmen")
COMMUNITY_NAMES = ("Yayasan Pemberdayaan Masyarakat", "Yayasan Karya Mandiri", "Yayasan Bina Usaha Desa",
                   "Yayasan Cipta Karya Masyarakat")


@dataclass(frozen=True)
class CenterModel:
    """Parameters of the latent-capacity model of center independence (tuned to the
    reported 2023 stage shares)."""

    mandiri_intercept: float = -2.1
    mandiri_slope: float = 1.6
    berkembang_intercept: float = -1.2
    berkembang_slope: float = 0.9
    late_mandiri_intercept: float = -3.3
    late_mandiri_slope: float = 1.0
    #: Calendar-year multiplier of the berkembang hazard (the roadmap's assessments started
    #: in 2022; reported berkembang shares jump between early and mid 2023).
    berkembang_calendar: tuple[tuple[int, float], ...] = ((2021, 0.75), (2022, 0.75), (2023, 1.25), (2024, 1.3))


# ----------------------------------------------------------------------------- helpers

def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _streams(seed: int, n: int) -> list[np.random.Generator]:
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(n)]


def _place(short_name: str) -> str:
    return short_name.replace("Administrasi ", "").strip()


def _round_to(x, unit):
    return (np.round(np.asarray(x, dtype=float) / unit) * unit).astype(np.int64)


# ----------------------------------------------------------------------------- centers

def _allocate_counts(reg: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    dens = reg["province_code"].map(PESANTREN_DENSITY).to_numpy(float)
    kota = reg["kota"].to_numpy()
    w = reg["population"].to_numpy(float) * dens * np.where(kota, KOTA_WEIGHT, 1.0)
    w = w * rng.gamma(3.0, 1 / 3.0, size=len(w))
    # every regency has some chance of hosting a center; the smallest weights remain likely zeros
    w = np.maximum(w, 0.8 * np.median(w))
    fixed = reg["regency_code"].map(FIXED_REGENCY_COUNTS)
    is_fixed = fixed.notna().to_numpy()
    counts = np.zeros(len(reg), dtype=np.int64)
    counts[is_fixed] = fixed[is_fixed].astype(int)
    total = sum(COHORT_COUNTS.values()) - counts.sum()
    p = np.where(is_fixed, 0.0, w)
    counts[~is_fixed] = rng.multinomial(total, p[~is_fixed] / p[~is_fixed].sum())
    return counts


def _vocation_menu(cohort: int) -> tuple[list[str], np.ndarray]:
    if cohort <= 2018:
        names = list(MENU_2017)
        p = np.array([VOCATION_SHARES[v] for v in names])
    elif cohort == 2019:
        names = list(MENU_2019)
        p = np.array([VOCATION_SHARES[v] for v in names])
    else:
        extra = list(EXTRA_2020[: (13 if cohort == 2020 else 14)])
        names = list(MENU_2019) + extra
        p = np.array([VOCATION_SHARES[v] for v in MENU_2019] + [OTHER_SHARE_2020 / len(extra)] * len(extra))
    return names, p / p.sum()


def _center_names(centers: pd.DataFrame, reg_place: dict, rng: np.random.Generator) -> list[str]:
    pes_pool = [f"{pre} {nm}" for pre in PESANTREN_PREFIX for nm in PESANTREN_NAMES]
    names = [""] * len(centers)
    for code, idx in centers.groupby("regency_code", sort=True).indices.items():
        place = reg_place[code]
        prov = code[:2]
        used: set[str] = set()
        order = rng.permutation(len(pes_pool))
        k = 0
        for i in idx:
            host = centers["host_type"].iat[i]
            for _attempt in range(50):
                if host == "pesantren":
                    base = pes_pool[order[k % len(order)]]
                    k += 1
                elif host == "other_religious":
                    if prov == "51" or (prov == "52" and rng.random() < 0.2):
                        base = f"{HINDU_ORGS[rng.integers(len(HINDU_ORGS))]} {HINDU_NAMES[rng.integers(len(HINDU_NAMES))]}"
                    elif OTHER_RELIGIOUS_SHARE.get(prov, 0) >= 0.25 and rng.random() < 0.85:
                        base = f"{CHRISTIAN_ORGS[rng.integers(len(CHRISTIAN_ORGS))]} {OTHER_ORG_NAMES[rng.integers(len(OTHER_ORG_NAMES))]}"
                    else:
                        org = ISLAMIC_ORGS[rng.integers(len(ISLAMIC_ORGS))]
                        base = org if org.startswith(("Pimpinan", "Majelis")) else f"{org} {PESANTREN_NAMES[rng.integers(len(PESANTREN_NAMES))]}"
                elif host == "union":
                    base = f"Serikat Pekerja {UNION_SECTORS[rng.integers(len(UNION_SECTORS))]}"
                else:
                    base = COMMUNITY_NAMES[rng.integers(len(COMMUNITY_NAMES))]
                name = f"BLKK {base} {place}"
                if name not in used:
                    break
            else:
                n = 2
                while f"{name} {n}" in used:
                    n += 1
                name = f"{name} {n}"
            used.add(name)
            names[i] = name
    return names


def _make_centers(reg: pd.DataFrame, rngs) -> pd.DataFrame:
    r_alloc, r_cohort, r_host, r_voc, r_grant, r_name, r_cap = rngs
    counts = _allocate_counts(reg, r_alloc)
    reg_idx = np.repeat(np.arange(len(reg)), counts)
    cohorts = np.concatenate([np.full(n, y) for y, n in COHORT_COUNTS.items()])
    cohorts = r_cohort.permutation(cohorts)
    c = pd.DataFrame({
        "regency_code": reg["regency_code"].to_numpy()[reg_idx],
        "province_code": reg["province_code"].to_numpy()[reg_idx],
        "cohort": cohorts.astype(np.int64),
        "tiebreak": r_cohort.random(len(cohorts)),
    })
    c = c.sort_values(["regency_code", "cohort", "tiebreak"], kind="stable").reset_index(drop=True)
    c["seq"] = c.groupby("regency_code").cumcount() + 1
    c["center_id"] = "BLKK-" + c["regency_code"] + "-" + c["seq"].map("{:04d}".format)

    # host type
    prov = c["province_code"]
    kota = c["regency_code"].str[-2:].astype(int) >= 71
    p_other = prov.map(OTHER_RELIGIOUS_SHARE).fillna(OTHER_RELIGIOUS_DEFAULT).to_numpy()
    p_union = np.where(c["cohort"] >= 2020, 0.042 * np.where(kota, 2.0, 1.0) * np.where(prov.isin(JAVA + ("21",)), 1.4, 0.8), 0.0)
    p_comm = np.where(c["cohort"] >= 2021, 0.012, 0.0)
    u = r_host.random(len(c))
    host = np.where(u < p_union, "union", np.where(u < p_union + p_comm, "community",
                    np.where(u < p_union + p_comm + p_other, "other_religious", "pesantren")))
    c["host_type"] = host

    # vocation
    voc = np.empty(len(c), dtype=object)
    for y in COHORT_COUNTS:
        m = (c["cohort"] == y).to_numpy()
        names, p = _vocation_menu(y)
        voc[m] = np.asarray(names, dtype=object)[r_voc.choice(len(names), size=m.sum(), p=p)]
    c["vocation"] = voc

    # grant
    g = np.where(c["cohort"].isin([2019, 2020]), 1_000_000_000,
                 _round_to(r_grant.uniform(500e6, 1000e6, len(c)), 25_000_000))
    c["grant_idr"] = g.astype(np.int64)

    reg_place = dict(zip(reg["regency_code"], reg["short_name"].map(_place)))
    c["center_name"] = _center_names(c, reg_place, r_name)

    # latent capacity: attributes + regency context + idiosyncratic
    reg_ctx = pd.Series(r_cap.normal(0, 0.25, len(reg)), index=reg["regency_code"])
    z = (c["host_type"].map(HOST_CAPACITY).to_numpy()
         + c["vocation"].map(VOC_CAPACITY).fillna(0.0).to_numpy()
         + 0.15 * prov.isin(JAVA).to_numpy() + 0.15 * kota.to_numpy()
         + 0.1 * (c["cohort"] <= 2018).to_numpy()
         + c["regency_code"].map(reg_ctx).to_numpy()
         + r_cap.normal(0, 0.9, len(c)))
    c["latent_capacity"] = z - z.mean()
    return c


# ----------------------------------------------------------------------------- center years

def _stage_paths(c: pd.DataFrame, model: CenterModel, rng: np.random.Generator, max_age: int = 10):
    z = c["latent_capacity"].to_numpy()
    n = len(c)
    p = _sigmoid(model.mandiri_intercept + model.mandiri_slope * z)
    m = rng.random(n) < p
    # berkembang: yearly hazard from age 1 (lower in the first year)
    hb = _sigmoid(model.berkembang_intercept + model.berkembang_slope * z)
    ages = np.arange(1, max_age + 1)
    cal_year = c["cohort"].to_numpy()[:, None] + ages[None, :] - 1
    cal = np.interp(cal_year, [y for y, _ in model.berkembang_calendar], [f for _, f in model.berkembang_calendar])
    hz = np.clip(hb[:, None] * np.where(ages == 1, 0.35, 1.0)[None, :] * cal, 0.0, 0.95)
    hit = rng.random((n, max_age)) < hz
    t_b = np.where(hit.any(1), hit.argmax(1) + 1, max_age + 1)
    # mandiri: within horizon (age 3 or 4) if m; otherwise a later hazard from age 5
    q3 = _sigmoid(0.8 * z)
    t_m_in = np.where(rng.random(n) < q3, 3, 4)
    hl = _sigmoid(model.late_mandiri_intercept + model.late_mandiri_slope * z)
    late = rng.random((n, max_age)) < hl[:, None]
    late[:, : MANDIRI_HORIZON_AGE] = False
    t_m_late = np.where(late.any(1), late.argmax(1) + 1, max_age + 1)
    t_m = np.where(m, t_m_in, t_m_late)
    t_b = np.minimum(t_b, t_m)
    return p, m, t_b, t_m


def _make_center_years(c: pd.DataFrame, rngs, model: CenterModel):
    r_path, r_ops, r_flags, r_inc = rngs
    p, m, t_b, t_m = _stage_paths(c, model, r_path)
    n = len(c)
    z = c["latent_capacity"].to_numpy()
    cohort = c["cohort"].to_numpy()

    # center-level events (age at which they first hold), no information on the future mandiri draw
    lic_h = _sigmoid(-0.2 + 1.0 * z + r_flags.normal(0, 0.3, n))
    t_lic = 1 + r_flags.geometric(np.clip(lic_h, 0.02, 0.98)) - 1
    t_lic = np.minimum(t_lic, t_m)
    db_h = _sigmoid(-1.2 + 1.0 * z + r_flags.normal(0, 0.3, n))
    t_db = 1 + r_flags.geometric(np.clip(db_h, 0.02, 0.98)) - 1
    t_db = np.minimum(t_db, t_b)
    cap_noise = r_flags.normal(0, 0.1, n)  # persistent center-level reporting noise

    n_years = LAST_YEAR - cohort + 1
    row_c = np.repeat(np.arange(n), n_years)
    year = np.concatenate([np.arange(y, LAST_YEAR + 1) for y in cohort])
    age = year - cohort[row_c] + 1
    zr = z[row_c] + cap_noise[row_c]
    nr = len(row_c)
    stage_num = np.where(age >= t_m[row_c], 2, np.where(age >= t_b[row_c], 1, 0))
    rng = r_ops

    def noise(sd):
        return rng.normal(0, sd, nr)

    early = age <= 2
    covid = (year == 2020) | (year == 2021)
    apbn = np.where(early, 3 + rng.binomial(2, _sigmoid(0.2 + 0.5 * zr + noise(0.5))),
                    rng.binomial(2, _sigmoid(-0.3 + 0.3 * zr + noise(0.5))))
    apbn = np.where(covid & ~early & (rng.random(nr) < 0.3), np.maximum(apbn - 1, 0), apbn)
    sf_rate = np.exp(-1.7 + 0.85 * zr + 0.15 * np.minimum(age - 1, 5) + np.array([0.0, 0.5, 1.1])[stage_num] + noise(0.25))
    self_funded = np.minimum(rng.poisson(sf_rate), 10)
    self_funded = np.where(stage_num == 2, np.maximum(self_funded, 1), self_funded)
    packages = apbn + self_funded
    enrolled = 16 * packages + rng.binomial(4 * packages, 0.12)
    completed = rng.binomial(enrolled, _sigmoid(2.0 + 0.6 * zr + noise(0.2)))
    certified = rng.binomial(completed, _sigmoid(0.1 + 0.8 * zr + noise(0.2)))
    place = np.clip(0.5 + 0.1 * zr + noise(0.03), 0.3, 0.7)
    voc = c["vocation"].to_numpy()[row_c]
    s_share = pd.Series(voc).map(VOC_SELF_EMPLOYED).fillna(0.45).to_numpy()
    employed = rng.binomial(completed, place * (1 - s_share))
    rest = completed - employed
    p_self = np.clip(place * s_share / np.maximum(1 - place * (1 - s_share), 1e-9), 0, 1)
    self_emp = rng.binomial(rest, p_self)

    licensed = (age >= t_lic[row_c]).astype(np.int64)
    alumni_db = (age >= t_db[row_c]).astype(np.int64)

    # partnerships, by intended stage
    part_t = rng.binomial(2, _sigmoid(-1.8 + 0.8 * zr + noise(0.4)))
    part_t = np.where(alumni_db == 1, 0, part_t)
    part_b = 1 + rng.binomial(3, _sigmoid(-1.3 + 0.6 * zr + 0.1 * age + noise(0.4)))
    part_m = 2 + rng.binomial(3, _sigmoid(-0.6 + 0.6 * zr + 0.1 * age + noise(0.4)))
    partnerships = np.choose(stage_num, [part_t, part_b, part_m])

    # own revenue by stage (IDR/year, rounded to 1,000)
    rev_t = 10e6 * _sigmoid(-0.8 + 1.0 * zr + 0.1 * age + noise(0.4)) * (rng.random(nr) > 0.12)
    rev_b = 5e6 + 45e6 * _sigmoid(-1.2 + 1.0 * zr + 0.1 * age + noise(0.4))
    rev_m = 25e6 + 225e6 * _sigmoid(-1.6 + 0.8 * zr + 0.15 * age + noise(0.7))
    revenue = _round_to(np.choose(stage_num, [rev_t, rev_b, rev_m]), 1000)

    # accreditation (LA-LPK, from 2021): each year, a center may be accredited with a hazard
    # that depends on the stage it holds *that year* (never on a later one)
    acc_year = np.full(n, 9999)
    for y in (2021, 2022, 2023, 2024):
        st_y = pd.Series(stage_num[year == y], index=row_c[year == y]).reindex(np.arange(n)).fillna(-1).to_numpy()
        hazard = np.select([st_y == 2, st_y == 1], ACCREDITATION_HAZARD[y], 0.0)
        new = (acc_year == 9999) & (r_inc.random(n) < hazard)
        acc_year = np.where(new, y, acc_year)
    accredited = (year >= acc_year[row_c]).astype(np.int64)

    inc_year = np.full(n, 9999)
    score = np.exp(1.5 * z) * r_inc.gamma(2.0, 0.5, n)
    for y, k in ((2022, 100), (2023, 25), (2024, 20)):
        st_y = pd.Series(stage_num[year == y], index=row_c[year == y]).reindex(np.arange(n)).fillna(-1).to_numpy()
        elig = (st_y >= 1) & (inc_year == 9999) & (cohort <= y - 1)
        cand = np.flatnonzero(elig)
        w = score[cand] / score[cand].sum()
        pick = r_inc.choice(cand, size=min(k, len(cand)), replace=False, p=w)
        inc_year[pick] = y
    incubator = (year >= inc_year[row_c]).astype(np.int64)

    # berkembang rows must not meet the mandiri criteria: cap revenue below the threshold
    thr = StageThresholds()
    would_m = ((stage_num == 1) & (partnerships >= thr.mandiri_min_partnerships) & (alumni_db == 1)
               & ((licensed == 1) | (accredited == 1)) & (revenue >= thr.mandiri_min_own_revenue_idr))
    capped = _round_to(thr.mandiri_min_own_revenue_idr * rng.uniform(0.6, 0.98, nr), 1000)
    revenue = np.where(would_m, np.minimum(revenue, capped), revenue)

    instructors = np.where(age == 1, 1, 1 + rng.binomial(2, _sigmoid(-1.0 + 0.6 * zr + 0.25 * (packages - 3))))
    op_cost = _round_to(np.maximum(15e6 + 4.5e6 * packages + 0.35 * revenue + 2e6 * instructors
                                   + rng.normal(0, 3e6, nr), 8e6), 1000)

    cy = pd.DataFrame({
        "center_id": c["center_id"].to_numpy()[row_c],
        "year": year.astype(np.int64),
        "packages_apbn": apbn.astype(np.int64),
        "packages_self_funded": self_funded.astype(np.int64),
        "trainees_enrolled": enrolled.astype(np.int64),
        "trainees_completed": completed.astype(np.int64),
        "trainees_certified": certified.astype(np.int64),
        "alumni_employed": employed.astype(np.int64),
        "alumni_self_employed": self_emp.astype(np.int64),
        "own_revenue_idr": revenue.astype(np.int64),
        "operating_cost_idr": op_cost.astype(np.int64),
        "instructors": instructors.astype(np.int64),
        "partnerships": partnerships.astype(np.int64),
        "licensed": licensed,
        "accredited": accredited,
        "alumni_database": alumni_db,
        "incubator": incubator,
        "stage": np.asarray(STAGES, dtype=object)[stage_num],
    })
    derived = derive_stage(cy, thr)
    if not (derived.to_numpy() == cy["stage"].to_numpy()).all():  # pragma: no cover - generator invariant
        raise AssertionError("generated stage disagrees with derive_stage")

    first_mandiri_age = np.where(t_m <= 10, t_m, 0)
    truth = pd.DataFrame({
        "center_id": c["center_id"].to_numpy(),
        "cohort": cohort.astype(np.int64),
        "latent_capacity": np.round(c["latent_capacity"].to_numpy(), 6),
        "p_mandiri_within_4y": np.round(p, 6),
        "mandiri_within_4y": m.astype(np.int64),
        "outcome_observed": (cohort + MANDIRI_HORIZON_AGE - 1 <= LAST_YEAR).astype(np.int64),
        "first_mandiri_year": pd.array(np.where((first_mandiri_age > 0) & (cohort + first_mandiri_age - 1 <= LAST_YEAR),
                                                cohort + first_mandiri_age - 1, -1), dtype="Int64"),
        "first_berkembang_year": pd.array(np.where(cohort + t_b - 1 <= LAST_YEAR, cohort + t_b - 1, -1), dtype="Int64"),
    })
    for col in ("first_mandiri_year", "first_berkembang_year"):
        truth[col] = truth[col].mask(truth[col] < 0)
    return cy, truth


# ----------------------------------------------------------------------------- regency panel

def _province_targets(reference_dir) -> pd.DataFrame:
    """Target provincial TPT per Kemendagri province and year 2015-2024."""
    nat = load_tpt_national(reference_dir)
    nat = dict(zip(nat["year"].astype(int), nat["tpt_pct"].astype(float)))
    tp = load_tpt_province(reference_dir)
    tp["year"] = tp["year"].astype(int)
    tp["tpt_pct"] = tp["tpt_pct"].astype(float)
    successors = {"91": ("91", "93", "94", "95"), "92": ("92", "96")}
    rows = []
    for r in tp.itertuples(index=False):
        code = r.kemendagri_province_code
        suspicious = isinstance(r.flag, str) and "suspicious" in r.flag
        targets = successors.get(code, (code,)) if r.year < 2024 else (code,)
        for t in targets:
            rows.append((t, r.year, r.tpt_pct, not suspicious))
    real = pd.DataFrame(rows, columns=["province_code", "year", "real_tpt", "tracked"])
    provs = sorted(set(PESANTREN_DENSITY))
    grid = pd.MultiIndex.from_product([provs, YEARS], names=["province_code", "year"]).to_frame(index=False)
    g = grid.merge(real, on=["province_code", "year"], how="left")
    g["tracked"] = g["tracked"].fillna(False).astype(bool)
    g["national"] = g["year"].map(nat)
    g["dev"] = g["real_tpt"] - g["national"]
    level = g[g["tracked"]].groupby("province_code")["dev"].mean()
    g["level"] = g["province_code"].map(level)
    resid = (g["dev"] - g["level"]).where(g["tracked"], 0.0)
    # keep only the part of the provincial deviation from the national trend that exceeds a
    # tolerance: trends stay as shared as the tracking of the real series allows
    tol = np.where(g["province_code"] == "33", 0.1, 0.3)
    g["resid_kept"] = np.sign(resid) * np.maximum(np.abs(resid) - tol, 0.0)
    g["target_tpt"] = g["national"] + g["level"] + g["resid_kept"]
    return g[["province_code", "year", "real_tpt", "tracked", "national", "target_tpt"]]


def _province_avg_wage_2023(reference_dir) -> dict[str, float]:
    path = Path(reference_dir) / "wage_avg_province.csv"
    if not path.exists():
        return {}
    w = pd.read_csv(path, dtype={"province_code": str}, keep_default_na=False)
    w = w[(w["year"] == 2023) & (w["province_code"] != "")]
    out = dict(zip(w["province_code"], w["avg_wage_idr"].astype(float)))
    for old, new in (("91", ("93", "94", "95")), ("92", ("96",))):
        if old in out:
            out.update({p: out[old] for p in new})
    return out


def _make_regency_years(reg: pd.DataFrame, centers: pd.DataFrame, rngs, reference_dir):
    r_pop, r_lvl, r_noise, r_wage = rngs
    nreg = len(reg)
    codes = reg["regency_code"].to_numpy()
    prov = reg["province_code"].to_numpy()
    kota = reg["kota"].to_numpy()
    years = np.array(YEARS)
    ny = len(years)

    growth = r_pop.uniform(0.006, 0.014, nreg)
    pop = np.round(reg["population"].to_numpy(float)[:, None] * (1 - growth[:, None]) ** (2025 - years[None, :]))
    lf_share = r_pop.uniform(0.505, 0.575, nreg)[:, None] + r_pop.normal(0, 0.002, (nreg, ny))
    lf = np.round(pop * np.clip(lf_share, 0.5, 0.58))

    targets = _province_targets(reference_dir)
    tgt = targets.pivot(index="province_code", columns="year", values="target_tpt")
    c_pt = tgt.loc[prov, list(years)].to_numpy()
    lvl = tgt.mean(axis=1).loc[prov].to_numpy()

    # regency deviation from its province: kota higher, persistent (rank persistence)
    d = 1.0 * kota * lvl / 5.0 + np.clip(r_lvl.normal(0, 0.14, nreg), -0.3, 0.3) * lvl
    known = np.zeros(nreg, dtype=bool)
    jt = tgt.loc["33"]
    pts: dict[str, list[float]] = {}
    for code, yr, val in JATENG_POINTS:
        base = JATENG_TPT_2025 if yr == 2025 else jt[yr]
        pts.setdefault(code, []).append(val - base)
    pos = {cd: i for i, cd in enumerate(codes)}
    for code, devs in pts.items():
        d[pos[code]] = float(np.mean(devs))
        known[pos[code]] = True
    # Regencies share their province's swings (the COVID jump of 2020, provincial cycles),
    # but not equally: a loading lam(i) around 1 scales the province path's deviation from
    # its own mean. Loadings are drawn independently of everything else and centred on 1
    # within each province (labour-force weighted): provincial shocks reach a province's
    # regencies unevenly and make them move together, while the provincial aggregate keeps
    # tracking the real series.
    lam = 1.0 + np.clip(r_lvl.normal(0, 0.2, nreg), -0.5, 0.5)
    swing = c_pt - c_pt.mean(axis=1, keepdims=True)
    # AR(1) regency noise, independent across regencies and left as drawn: like the sampling
    # error of a survey estimate it is not centred within province-years, so a provincial
    # aggregate differs from the real series by the labour-force weighted mean of its
    # regencies' noise (NOISE_SD_SHARE of the provincial level, per regency)
    e = np.zeros((nreg, ny))
    sd = NOISE_SD_SHARE * lvl
    e[:, 0] = r_noise.normal(0, sd / np.sqrt(1 - NOISE_AR**2))
    for j in range(1, ny):
        e[:, j] = NOISE_AR * e[:, j - 1] + r_noise.normal(0, sd)
    w_bar = lf.mean(axis=1)
    y0 = np.zeros((nreg, ny))
    loading = np.ones(nreg)
    for p_code in np.unique(prov):
        m = prov == p_code
        w = w_bar[m]
        free = ~known[m]
        # only the persistent level is centred, so the province's level stays on target
        shift = (w * d[m]).sum() / w[free].sum()
        dev = np.where(free, d[m] - shift, d[m])
        lam_dev = lam[m] - (w * lam[m]).sum() / w.sum()
        loading[m] = 1.0 + lam_dev
        y0[m] = c_pt[m] + dev[:, None] + lam_dev[:, None] * swing[m] + e[m]
    y0 = np.maximum(y0, 0.3)

    # planted effect of centers
    cohort_first = centers.groupby("regency_code")["cohort"].min()
    g = pd.Series(codes).map(cohort_first).to_numpy()  # NaN = never
    open_counts = np.zeros((nreg, ny))
    cc = centers.groupby(["regency_code", "cohort"]).size()
    for (code, coh), k in cc.items():
        open_counts[pos[code], years >= coh] += k
    per10k = open_counts / (lf / 1e4)
    exposure = np.where(np.isnan(g)[:, None], 0, np.maximum(years[None, :] - np.nan_to_num(g)[:, None] + 1, 0))
    eff_ur = np.maximum(EFFECT_UR_PER_YEAR * exposure * per10k, EFFECT_UR_CAP)
    eff_lw = np.minimum(EFFECT_LOGWAGE_PER_YEAR * exposure * per10k, EFFECT_LOGWAGE_CAP)
    rate = np.round(y0 + eff_ur, 2)
    unemployed = np.round(lf * rate / 100)

    # wages
    umk = load_umk_jateng(reference_dir)
    umk24 = dict(zip(umk["regency_code"], umk["umk_2024_idr"].astype(int)))
    base = pd.Series(prov).map(UMP_2024).to_numpy(float)
    # where BPS reports the provincial average wage for 2023, set the UMK level so that the
    # regency mean wages average close to it (wage/UMK ratio ~1.07, regency premium ~1.09,
    # one year of growth to 2024)
    avg = _province_avg_wage_2023(reference_dir)
    avg_base = pd.Series(prov).map(avg).to_numpy(float) * (1 + UMK_GROWTH[2024]) / (1.07 * 1.09)
    base = np.where(np.isnan(avg_base), base, avg_base)
    synth = base * (1 + 0.06 * kota) * np.exp(np.abs(r_wage.normal(0, 0.1, nreg)))
    umk_2024 = np.array([umk24.get(cd, np.nan) for cd in codes])
    umk_2024 = np.where(np.isnan(umk_2024), synth, umk_2024)
    defl = np.ones(ny)
    for j in range(ny - 2, -1, -1):
        defl[j] = defl[j + 1] / (1 + UMK_GROWTH[years[j + 1]])
    min_wage = np.round(umk_2024[:, None] * defl[None, :] * np.exp(r_wage.normal(0, 0.004, (nreg, ny))))
    min_wage[:, -1] = np.round(umk_2024)
    ratio = 0.975 + 0.24 * r_wage.beta(2.0, 3.5, nreg)
    log_mean0 = np.log(min_wage) + np.log(ratio)[:, None] + np.clip(r_wage.normal(0, 0.012, (nreg, ny)), -0.02, 0.02)
    mean_wage = np.round(np.exp(log_mean0 + eff_lw))

    ry = pd.DataFrame({
        "regency_code": np.repeat(codes, ny),
        "year": np.tile(years, nreg).astype(np.int64),
        "population": pop.ravel().astype(np.int64),
        "labour_force": lf.ravel().astype(np.int64),
        "unemployed": unemployed.ravel().astype(np.int64),
        "unemployment_rate": rate.ravel(),
        "mean_wage_idr": mean_wage.ravel().astype(np.int64),
        "min_wage_idr": min_wage.ravel().astype(np.int64),
    })
    eff = pd.DataFrame({
        "regency_code": np.repeat(codes, ny),
        "year": np.tile(years, nreg).astype(np.int64),
        "cohort": pd.array(np.repeat(g, ny), dtype="Float64").astype("Int64"),
        "centers_open": open_counts.ravel().astype(np.int64),
        "exposure_years": exposure.ravel().astype(np.int64),
        "effect_unemployment_rate_pp": np.round(eff_ur.ravel(), 6) + 0.0,
        "effect_log_mean_wage": np.round(eff_lw.ravel(), 6) + 0.0,
        "untreated_unemployment_rate": np.round(y0.ravel(), 4),
        "province_swing_loading": np.round(np.repeat(loading, ny), 4),
        "untreated_log_mean_wage": np.round(log_mean0.ravel(), 6),
    })
    targets = targets.copy()
    targets["real_tpt"] = targets["real_tpt"].round(2)
    targets["national"] = targets["national"].round(2)
    targets["target_tpt"] = targets["target_tpt"].round(4)
    targets["tracked"] = targets["tracked"].astype(np.int64)
    return ry, eff, targets


def _att_gt(eff: pd.DataFrame) -> pd.DataFrame:
    e = eff[eff["cohort"].notna()]
    att = (e.groupby(["cohort", "year"])
           .agg(att_unemployment_rate=("effect_unemployment_rate_pp", "mean"),
                att_log_mean_wage=("effect_log_mean_wage", "mean"),
                n_regencies=("regency_code", "size"))
           .reset_index())
    att["cohort"] = att["cohort"].astype(np.int64)
    att["att_unemployment_rate"] = att["att_unemployment_rate"].round(6) + 0.0
    att["att_log_mean_wage"] = att["att_log_mean_wage"].round(6)
    return att


# ----------------------------------------------------------------------------- trainees

#: Selection into training beyond the person's own record (logit terms): lower-wage regencies
#: (log UMK relative to the sample mean), higher regency unemployment and the COVID years send
#: more people to training, so region, year and UMK confound a comparison that ignores them.
TRAINEE_SELECT_LOG_UMK = -0.8
TRAINEE_SELECT_TPT = 0.06
TRAINEE_SELECT_YEAR = {2020: 0.3, 2021: 0.2}
#: Ashenfelter's dip. Pre-training log income = permanent log income + a transitory shock
#: (this SD); some of the permanently employed lost their job shortly before the survey month
#: (this share, more in 2020). Training is chosen on the *recorded* pre-training income and
#: employment, while later outcomes follow the permanent ones.
TRAINEE_TRANSITORY_SD = 0.4
TRAINEE_JOB_LOSS = 0.15
TRAINEE_JOB_LOSS_2020 = 0.10
#: An unobserved trait ("motivation", standard normal) in the training logit, the employment
#: logit, the log wage and the tracer-response logit. Modest on purpose: its bias is recorded.
MOTIVATION = {"selection": 0.2, "employment": 0.06, "log_wage": 0.01, "response": 0.1}
#: Labour-market shocks per regency-year (employment logit, log wage), shared by everyone there.
TRAINEE_SHOCK_SD = {"employment": 0.3, "log_wage": 0.12}
#: A center's own effect on its trainees' log wage beyond its capacity (training quality), SD.
CENTER_WAGE_EFFECT_SD = 0.1
#: A center's latent capacity (the center model's ``latent_capacity``) raises its trainees'
#: effects and the share of its alumni who answer the tracer study.
CENTER_CAPACITY_EFFECT = {"employment": 0.02, "log_wage": 0.05, "response": 0.7}
#: Tracer study response (trainees only; the survey comparison sample is complete): logit terms
#: and the mean response rate the intercept is set to. Answering depends on the center (its
#: capacity, above), the person's record, and the unobserved trait (MOTIVATION["response"]).
#: Employment after training is kept out (0.0): on the logit scale even 0.1 would bias every
#: reweighted estimate of the employment effect by about 1 pp, more than its standard error;
#: the trait carries the outcome-related part of non-response instead.
TRACER_RESPONSE_RATE = 0.62
TRACER_RESPONSE = {"education": 0.12, "age": 0.015, "female": 0.25, "employed_after": 0.0}
TRAINEE_WAGE_SD = 0.4
_GH_NODES = 24


def _solve_intercept(lin: np.ndarray, target: float) -> float:
    """Intercept ``a`` with ``mean(sigmoid(a + lin)) = target`` (a few Newton-like steps)."""
    a = 0.0
    for _ in range(40):
        pm = _sigmoid(a + lin).mean()
        a += (np.log(target) - np.log(pm)) * 0.9
    return a


def _trait_posteriors(sel_lin: np.ndarray, slope: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gauss-Hermite nodes of the unobserved trait and their weights given training / no training.

    The trait is N(0, 1) and independent of the observed record; training follows
    ``sigmoid(sel_lin + slope * trait)``. Returns ``(nodes, w_trained, w_untrained)``, the weights
    being the posterior of the trait for a person with this record who trained / did not.
    """
    x, w = np.polynomial.hermite.hermgauss(_GH_NODES)
    u, w = np.sqrt(2.0) * x, w / np.sqrt(np.pi)
    e = _sigmoid(sel_lin[:, None] + slope * u[None, :])
    w1 = w[None, :] * e
    w0 = w[None, :] * (1 - e)
    return u, w1 / w1.sum(1, keepdims=True), w0 / w0.sum(1, keepdims=True)


def _expected_biases(sel_lin, lin0_x, mu0_x, tau_e, tau_w, resp_lin) -> dict[str, np.ndarray]:
    """Per trainee, the expected biases the sample plants for an estimator that adjusts for the record.

    * unobserved trait: E[Y0 | record, trained] - E[Y0 | record, not trained] (what a perfect
      adjustment for everything recorded still gets wrong, in outcome units);
    * non-response: E[Y1 | record, center, responded] - E[Y1 | record, center] (what reweighting
      the respondents on the record *and the center's capacity* still gets wrong, because response
      also depends on employment after training and on the trait).
    """
    u, p1, p0 = _trait_posteriors(sel_lin, MOTIVATION["selection"])
    pi0 = _sigmoid(lin0_x[:, None] + MOTIVATION["employment"] * u[None, :])
    wage0 = np.exp(mu0_x[:, None] + MOTIVATION["log_wage"] * u[None, :] + TRAINEE_WAGE_SD**2 / 2)
    out = {
        "bias_unobserved_employed": ((p1 - p0) * pi0).sum(1),
        "bias_unobserved_income_idr": ((p1 - p0) * pi0 * wage0).sum(1),
    }
    pi1 = np.minimum(pi0 + tau_e[:, None], 0.985)
    wage1 = wage0 * np.exp(tau_w)[:, None]
    base = resp_lin[:, None] + MOTIVATION["response"] * u[None, :]
    rr1 = _sigmoid(base + TRACER_RESPONSE["employed_after"])
    rr0 = _sigmoid(base)
    e_r = (p1 * (pi1 * rr1 + (1 - pi1) * rr0)).sum(1)
    out["bias_nonresponse_employed"] = (p1 * pi1 * rr1).sum(1) / e_r - (p1 * pi1).sum(1)
    out["bias_nonresponse_income_idr"] = (p1 * pi1 * wage1 * rr1).sum(1) / e_r - (p1 * pi1 * wage1).sum(1)
    return out


def _make_trainees(reg, centers, cy, ry, rngs, extra_rngs, n_trained_target=6500, pool_ratio=9.0):
    r_cell, r_x, r_sel, r_out, r_samp, r_id = rngs
    r_u, r_resp, r_shock = extra_rngs
    cyy = cy[cy["year"].isin(TRAINEE_YEARS)].merge(
        centers[["center_id", "regency_code", "vocation", "host_type", "latent_capacity"]], on="center_id")
    w = cyy["trainees_completed"].to_numpy(float)
    slots = r_cell.choice(len(cyy), size=n_trained_target, p=w / w.sum())
    cell = cyy.iloc[slots].groupby(["regency_code", "year"]).size().rename("n1").reset_index()
    cell["N"] = np.round(cell["n1"] * pool_ratio).astype(int)
    cell = cell.merge(ry[["regency_code", "year", "unemployment_rate", "min_wage_idr"]], on=["regency_code", "year"])
    idx = np.repeat(np.arange(len(cell)), cell["N"].to_numpy())
    n = len(idx)
    code = cell["regency_code"].to_numpy()[idx]
    year = cell["year"].to_numpy()[idx]
    tpt = cell["unemployment_rate"].to_numpy()[idx]
    umk = cell["min_wage_idr"].to_numpy(float)[idx]
    log_umk = np.log(umk)
    kota = pd.Series(code).str[-2:].astype(int).to_numpy() >= 71
    java = pd.Series(code).str[:2].isin(JAVA).to_numpy()

    age = 18 + np.floor(r_x.beta(1.3, 2.0, n) * 38).astype(int)
    female = (r_x.random(n) < 0.5).astype(int)
    edu_levels = np.array([6, 9, 12, 14, 16])
    p_kab = np.array([0.24, 0.30, 0.36, 0.04, 0.06])
    p_kota = np.array([0.10, 0.22, 0.46, 0.07, 0.15])
    u = r_x.random(n)
    cum = np.where(kota[:, None], np.cumsum(p_kota)[None, :], np.cumsum(p_kab)[None, :])
    edu = edu_levels[(u[:, None] > cum).sum(1)]
    married = (r_x.random(n) < _sigmoid(-4.2 + 0.17 * age - 0.3 * (edu >= 14) + 0.3 * female)).astype(int)
    emp_perm = (r_x.random(n) < _sigmoid(-2.2 + 0.1 * age - 0.0012 * (age - 30) ** 2 - 0.9 * female
                                          + 0.05 * (edu - 9) + 0.3 * married * (1 - female))).astype(int)
    lw_perm = (log_umk - 0.35 + 0.012 * (age - 30) + 0.06 * (edu - 9) - 0.25 * female + r_x.normal(0, 0.30, n))

    # unobserved trait, transitory income shock and recent job loss (the pre-training dip)
    motivation = r_u.standard_normal(n)
    transitory = r_u.normal(0, TRAINEE_TRANSITORY_SD, n)
    p_loss = TRAINEE_JOB_LOSS + TRAINEE_JOB_LOSS_2020 * (year == 2020)
    job_loss = (emp_perm == 1) & (r_u.random(n) < p_loss)
    emp_b = np.where(job_loss, 0, emp_perm)
    lw_b = lw_perm + transitory
    inc_b = np.where(emp_b == 1, _round_to(np.exp(lw_b), 1000), 0)

    # selection into training: on the recorded data, the regency-year and the unobserved trait
    year_sel = pd.Series(year).map(TRAINEE_SELECT_YEAR).fillna(0.0).to_numpy()
    score = (-0.10 * (age - 25) + 0.16 * (edu - 9) - 1.0 * emp_b - 1.2 * emp_b * (lw_b - log_umk)
             + 0.15 * female - 0.45 * married + 0.2 * java + TRAINEE_SELECT_LOG_UMK * (log_umk - log_umk.mean())
             + TRAINEE_SELECT_TPT * (tpt - 5) + year_sel)
    a = _solve_intercept(score + MOTIVATION["selection"] * motivation, 1 / pool_ratio)
    sel_lin = a + score  # the part of the training logit a perfect adjustment for the record sees
    e = _sigmoid(sel_lin + MOTIVATION["selection"] * motivation)
    trained = r_sel.random(n) < e

    # center for each trained person: a center of the regency open that year, by completions and vocation mix
    center_id = np.full(n, "", dtype=object)
    vocation = np.full(n, "", dtype=object)
    host = np.full(n, "", dtype=object)
    capacity = np.zeros(n)
    groups = cyy.groupby(["regency_code", "year"]).indices
    cy_center = cyy["center_id"].to_numpy()
    cy_voc = cyy["vocation"].to_numpy()
    cy_host = cyy["host_type"].to_numpy()
    cy_cap = cyy["latent_capacity"].to_numpy(float)
    cy_fshare = cyy["vocation"].map(VOC_FEMALE).fillna(0.5).to_numpy()
    cy_weight = cyy["trainees_completed"].to_numpy(float) + 1.0
    tr_idx = np.flatnonzero(trained)
    key = pd.Series(list(zip(code[tr_idx], year[tr_idx])))
    for k, members in key.groupby(key).indices.items():
        rows = groups[k]
        fshare = cy_fshare[rows]
        base_w = cy_weight[rows]
        for i in tr_idx[members]:
            ww = base_w * np.where(female[i] == 1, fshare, 1 - fshare)
            j = rows[r_sel.choice(len(rows), p=ww / ww.sum())]
            center_id[i] = cy_center[j]
            vocation[i] = cy_voc[j]
            host[i] = cy_host[j]
            capacity[i] = cy_cap[j]

    # regency-year labour-market shocks, shared by trainees and comparison persons, and each
    # center's own quality (its trainees share it)
    shock_e = r_shock.normal(0, TRAINEE_SHOCK_SD["employment"], len(cell))[idx]
    shock_w = r_shock.normal(0, TRAINEE_SHOCK_SD["log_wage"], len(cell))[idx]
    center_quality = pd.Series(r_shock.normal(0, CENTER_WAGE_EFFECT_SD, len(centers)), index=centers["center_id"].to_numpy())
    quality = np.where(trained, center_quality.reindex(center_id).fillna(0.0).to_numpy(), 0.0)

    # potential outcomes (measured about a year after training); they follow the permanent
    # income and employment, so the dip in the recorded ones reverts
    yr_eff = np.select([year == 2020, year == 2021], [-0.35, -0.2], 0.0)
    lin0_x = (-0.55 + 1.7 * emp_b + 1.4 * job_loss + 0.05 * (age - 25) - 0.002 * (age - 25) ** 2
              + 0.08 * (edu - 9) - 0.65 * female + 0.35 * married * (1 - female) - 0.09 * (tpt - 5) + yr_eff + shock_e)
    pi0 = _sigmoid(lin0_x + MOTIVATION["employment"] * motivation)
    voc_s, host_s = pd.Series(vocation), pd.Series(host)
    tau_e = (0.075 + voc_s.map(VOC_EMP_EFFECT).fillna(0.0).to_numpy() + host_s.map(HOST_EMP_EFFECT).fillna(0.0).to_numpy()
             + 0.025 * (1 - emp_b) + CENTER_CAPACITY_EFFECT["employment"] * capacity)
    tau_e = np.where(trained, np.maximum(tau_e, 0.0), 0.075 + 0.025 * (1 - emp_b))
    pi1 = np.minimum(pi0 + tau_e, 0.985)
    u_e = r_out.random(n)
    emp0 = (u_e < pi0).astype(int)
    emp1 = (u_e < pi1).astype(int)
    mu0_x = (log_umk - 0.2 + 0.015 * (age - 25) - 0.0004 * (age - 25) ** 2 + 0.06 * (edu - 9) - 0.22 * female
             + 0.4 * emp_perm * (lw_perm - log_umk) + 0.04 * kota + shock_w)
    mu0 = mu0_x + MOTIVATION["log_wage"] * motivation
    tau_w = (0.11 + voc_s.map(VOC_WAGE_EFFECT).fillna(0.0).to_numpy() + host_s.map(HOST_WAGE_EFFECT).fillna(0.0).to_numpy()
             + CENTER_CAPACITY_EFFECT["log_wage"] * capacity + quality)
    tau_w = np.where(trained, tau_w, 0.11)
    eps = r_out.normal(0, TRAINEE_WAGE_SD, n)
    w0 = np.exp(mu0 + eps)
    w1 = np.exp(mu0 + tau_w + eps)
    inc0 = np.where(emp0 == 1, _round_to(w0, 1000), 0)
    inc1 = np.where(emp1 == 1, _round_to(w1, 1000), 0)
    exp_inc0 = pi0 * np.exp(mu0 + TRAINEE_WAGE_SD**2 / 2)
    exp_inc1 = pi1 * np.exp(mu0 + tau_w + TRAINEE_WAGE_SD**2 / 2)

    # tracer response of the trained: better centers keep in touch with their alumni; educated,
    # older and female alumni answer more; so do the employed and the motivated (not recorded)
    resp_x = (CENTER_CAPACITY_EFFECT["response"] * capacity + TRACER_RESPONSE["education"] * (edu - 9)
              + TRACER_RESPONSE["age"] * (age - 25) + TRACER_RESPONSE["female"] * female)
    resp_full = resp_x + TRACER_RESPONSE["employed_after"] * emp1 + MOTIVATION["response"] * motivation
    b = _solve_intercept(resp_full[trained], TRACER_RESPONSE_RATE)
    p_resp = _sigmoid(b + resp_full)
    responded = ~trained | (r_resp.random(n) < p_resp)

    # survey comparison sample: untrained people sampled with known probabilities
    pi_s = np.where(kota, 0.6, 0.42) * np.where(java, 0.9, 1.1)
    in_survey = (~trained) & (r_samp.random(n) < pi_s)
    keep = trained | in_survey
    k = np.flatnonzero(keep)
    order = r_id.permutation(len(k))
    pid = np.empty(len(k), dtype=object)
    pid[order] = [f"P{i + 1:06d}" for i in range(len(k))]
    t = trained[k]
    answered = responded[k]
    emp_after = np.where(t, emp1[k], emp0[k])
    inc_after = np.where(t, inc1[k], inc0[k])
    df = pd.DataFrame({
        "person_id": pid,
        "regency_code": code[k],
        "year": year[k].astype(np.int64),
        "trained": t.astype(np.int64),
        "center_id": center_id[k],
        "age": age[k].astype(np.int64),
        "female": female[k].astype(np.int64),
        "education_years": edu[k].astype(np.int64),
        "married": married[k].astype(np.int64),
        "employed_before": emp_b[k].astype(np.int64),
        "income_before_idr": inc_b[k].astype(np.int64),
        # tracer non-response: the outcomes of trainees who did not answer are blank
        "employed_after": pd.array(np.where(answered, emp_after, -1), dtype="Int64"),
        "income_after_idr": pd.array(np.where(answered, inc_after, -1), dtype="Int64"),
        "weight": np.where(t, 1.0, np.round(1.0 / pi_s[k], 4)),
    })
    for col in ("employed_after", "income_after_idr"):
        df[col] = df[col].mask(~answered)

    tk = np.flatnonzero(trained[k])
    biases = _expected_biases(sel_lin[k][tk], lin0_x[k][tk], mu0_x[k][tk], tau_e[k][tk], tau_w[k][tk],
                              (b + resp_x)[k][tk])
    po = pd.DataFrame({
        "person_id": pid,
        "trained": t.astype(np.int64),
        "vocation": vocation[k],
        "host_type": host[k],
        "propensity": np.round(e[k], 6),
        "employed_after_0": emp0[k].astype(np.int64),
        "employed_after_1": emp1[k].astype(np.int64),
        "income_after_0_idr": inc0[k].astype(np.int64),
        "income_after_1_idr": inc1[k].astype(np.int64),
        "expected_employed_0": np.round(pi0[k], 6),
        "expected_employed_1": np.round(pi1[k], 6),
        "expected_income_0_idr": np.round(exp_inc0[k], 1),
        "expected_income_1_idr": np.round(exp_inc1[k], 1),
        "motivation": np.round(motivation[k], 6),
        "recent_job_loss": job_loss[k].astype(np.int64),
        "transitory_log_income": np.round(transitory[k], 6),
        "responded": answered.astype(np.int64),
        "response_probability": np.where(t, np.round(p_resp[k], 6), np.nan),
    })
    for name, values in biases.items():
        col = np.full(len(k), np.nan)
        col[tk] = np.round(values, 6 if name.endswith("employed") else 1) + 0.0  # no "-0.0" from summation order
        po[name] = col
    df = df.sort_values("person_id", kind="stable").reset_index(drop=True)
    po = po.sort_values("person_id", kind="stable").reset_index(drop=True)
    return df, po


def _trainee_effects(df: pd.DataFrame, po: pd.DataFrame) -> pd.DataFrame:
    tr = po[po["trained"] == 1].copy()
    rows = []
    comp = df[df["trained"] == 0]
    answered = df[(df["trained"] == 1) & df["income_after_idr"].notna()]
    wsum = comp["weight"].sum()
    # what a raw comparison of the tracer study's respondents with the survey gives
    naive = {
        "income_after_idr": answered["income_after_idr"].astype(float).mean()
        - (comp["income_after_idr"].astype(float) * comp["weight"]).sum() / wsum,
        "employed_after": answered["employed_after"].astype(float).mean()
        - (comp["employed_after"].astype(float) * comp["weight"]).sum() / wsum,
    }
    groups = [("overall", "all", tr)]
    groups += [("vocation", v, g) for v, g in tr.groupby("vocation", sort=True)]
    groups += [("host_type", h, g) for h, g in tr.groupby("host_type", sort=True)]
    for scope, grp, g in groups:
        r = g[g["responded"] == 1]
        rows.append({
            "scope": scope, "group": grp, "n_trained": len(g),
            "att_income_idr_expected": (g["expected_income_1_idr"] - g["expected_income_0_idr"]).mean(),
            "att_income_idr_sample": (g["income_after_1_idr"] - g["income_after_0_idr"]).mean(),
            "att_employed_pp_expected": 100 * (g["expected_employed_1"] - g["expected_employed_0"]).mean(),
            "att_employed_pp_sample": 100 * (g["employed_after_1"] - g["employed_after_0"]).mean(),
            "naive_income_idr": naive["income_after_idr"] if scope == "overall" else np.nan,
            "naive_employed_pp": 100 * naive["employed_after"] if scope == "overall" else np.nan,
            "n_responded": len(r),
            "att_income_idr_responders_sample": (r["income_after_1_idr"] - r["income_after_0_idr"]).mean(),
            "att_employed_pp_responders_sample": 100 * (r["employed_after_1"] - r["employed_after_0"]).mean(),
            "bias_unobserved_income_idr": g["bias_unobserved_income_idr"].mean(),
            "bias_unobserved_employed_pp": 100 * g["bias_unobserved_employed"].mean(),
            "bias_nonresponse_income_idr": g["bias_nonresponse_income_idr"].mean(),
            "bias_nonresponse_employed_pp": 100 * g["bias_nonresponse_employed"].mean(),
        })
    out = pd.DataFrame(rows)
    for col in out.columns:
        if col not in ("scope", "group", "n_trained", "n_responded"):
            out[col] = out[col].astype(float).round(4)
    out["n_responded"] = out["n_responded"].astype(np.int64)
    return out


# ----------------------------------------------------------------------------- public API

def _regencies(reference_dir) -> pd.DataFrame:
    reg = load_regencies(reference_dir)
    reg = reg.sort_values("regency_code", kind="stable").reset_index(drop=True)
    reg["population"] = reg["population"].astype(np.int64)
    reg["kota"] = reg["regency_code"].str[-2:].astype(int) >= 71
    return reg


def generate(seed: int = DEFAULT_SEED, reference_dir: str | Path = REFERENCE_DIR,
             model: CenterModel | None = None) -> dict[str, pd.DataFrame]:
    """Generate the sample tables and their truth tables.

    Returns a dict with the public tables ``centers``, ``center_years``, ``regency_years``,
    ``trainees`` and the truth tables under keys starting with ``truth/``.
    """
    model = model or CenterModel()
    s = _streams(int(seed), 24)
    reg = _regencies(reference_dir)
    centers = _make_centers(reg, s[0:7])
    cy, center_truth = _make_center_years(centers, s[7:11], model)
    ry, eff, targets = _make_regency_years(reg, centers, s[11:15], reference_dir)
    trainees, po = _make_trainees(reg, centers, cy, ry, s[15:21], s[21:24])

    center_cols = ["center_id", "center_name", "province_code", "regency_code", "host_type", "vocation",
                   "cohort", "grant_idr"]
    out = {
        "centers": centers[center_cols].sort_values("center_id", kind="stable").reset_index(drop=True),
        "center_years": cy.sort_values(["center_id", "year"], kind="stable").reset_index(drop=True),
        "regency_years": ry.sort_values(["regency_code", "year"], kind="stable").reset_index(drop=True),
        "trainees": trainees,
        "truth/center_mandiri_probability": center_truth.sort_values("center_id", kind="stable").reset_index(drop=True),
        "truth/regency_effects": eff.sort_values(["regency_code", "year"], kind="stable").reset_index(drop=True),
        "truth/att_gt": _att_gt(eff),
        "truth/province_tpt_target": targets,
        "truth/trainee_effects": _trainee_effects(trainees, po),
        "truth/trainee_potential_outcomes": po,
    }
    return out


def write_sample(out_dir: str | Path, seed: int = DEFAULT_SEED,
                 reference_dir: str | Path = REFERENCE_DIR) -> list[Path]:
    """Write the generated tables as CSV under ``out_dir`` (truth tables under ``out_dir/truth``).

    Output is byte-identical for the same seed. Returns the written paths.
    """
    out_dir = Path(out_dir)
    tables = generate(seed, reference_dir)
    written = []
    for name, df in tables.items():
        path = out_dir / f"{name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        df.to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    return written
