"""Center outcomes (notebook 02). (Bahasa Indonesia)"""

TEXT = {
    "outcomes.counts": "{name}: {centers} BLKK, {center_years} BLKK-tahun",
    "label.completion_rate": "kelulusan",
    "label.certification_rate": "sertifikasi",
    "label.placement_rate": "penempatan",
    "label.rate": "tingkat",
    "label.own_revenue_share": "pendapatan sendiri / biaya operasional",
    "label.year": "tahun",
    "label.age": "tahun sejak dibuka",
    "label.pct_of_centers": "% BLKK",
}
