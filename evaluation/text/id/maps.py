"""Judul peta, label batang warna (dengan satuan) dan legenda. (Bahasa Indonesia)"""

TEXT = {
    "map.centers_per_10k_lf": "BLKK per 10.000 angkatan kerja",
    "map.high_share": "Porsi BLKK terbuka pada kelompok risiko tinggi",
    "map.tpt_estimate": "Efek pada TPT bila teridentifikasi (poin persen)",
    "map.legend.centers_per_10k_lf": "BLKK per 10.000 orang angkatan kerja (tahun terakhir)",
    "map.legend.high_share": "persen BLKK terbuka kabupaten/kota yang masuk kelompok risiko tinggi",
    "map.legend.tpt_estimate": "efek pada pengangguran terbuka, poin persen (biru: turun, merah: naik)",
    "map.no_value.centers_per_10k_lf": "angka angkatan kerja tidak tersedia",
    "map.no_value.high_share": "tidak ada BLKK terbuka yang dinilai",
    "map.no_value.tpt_estimate": "tidak ada BLKK, atau efek tidak teridentifikasi",
    "map.no_value": "tidak ada nilai",
    "map.context_province": "provinsi lain",
    "map.context_run": "di luar eksekusi ini",
    "map.regency_page": "halaman kabupaten/kota tidak memuat peta sendiri; halaman provinsi memetakan semua kabupaten/kotanya",
    "map.nothing_to_map": "tidak ada kabupaten/kota di wilayah ini yang memiliki nilai untuk dipetakan",
}
