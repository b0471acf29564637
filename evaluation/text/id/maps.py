"""Map legends. (Bahasa Indonesia)"""

TEXT = {
    "map.centers_per_10k_lf": "BLKK per 10.000 angkatan kerja",
    "map.high_share": "Porsi BLKK terbuka pada kelompok risiko tinggi",
    "map.tpt_estimate": "Efek pada TPT bila teridentifikasi (poin persen)",
    "map.regency_page": "halaman kabupaten/kota tidak memuat peta sendiri; halaman provinsi memetakan semua kabupaten/kotanya",
    "map.nothing_to_map": "tidak ada kabupaten/kota di wilayah ini yang memiliki nilai untuk dipetakan",
}
