"""Words and sentences every page uses. (Bahasa Indonesia)"""

TEXT = {
    "word.regency": "kabupaten/kota",
    "word.regencies": "kabupaten/kota",
    "word.national": "nasional",
    "word.this_region": "wilayah ini",
    "word.warning": "peringatan",
    "page.region_and_data": "**Wilayah:** {name} ({region}). **Data:** `{data}`.",
    "truth.none": "Folder data ini tidak memuat nilai sebenarnya yang ditanam (data riil): tidak ada yang diperiksa.",
    "plot.rates_title": "Kelulusan, sertifikasi, penempatan",
    "plot.self_financing_title": "Pembiayaan sendiri",
    "plot.no_figure": "Tidak ada gambar: {reason}",
    "plot.cohort": "Tahun dibuka",
    "plot.centers": "Jumlah BLKK",
    "plot.year": "Tahun",
    "plot.share_of_operating": "Persentase BLKK beroperasi (%)",
    "plot.centers_by_cohort": "BLKK dibuka per tahun",
    "plot.stage_over_time": "Tahap kemandirian dari tahun ke tahun",
    "stage.tumbuh": "tumbuh",
    "stage.berkembang": "berkembang",
    "stage.mandiri": "mandiri",
}
