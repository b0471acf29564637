"""Data quality (notebook 01). (Bahasa Indonesia)"""

TEXT = {
    "quality.no_problems": "Tidak ditemukan masalah: data memenuhi kontrak data.",
    "quality.counts": "{errors} galat, {warnings} peringatan",
    "coverage.centers": "BLKK",
    "coverage.provinces": "provinsi yang memiliki BLKK",
    "coverage.regencies_with_centers": "kabupaten/kota yang memiliki BLKK",
    "coverage.regencies_in_panel": "kabupaten/kota dalam panel pasar kerja",
    "coverage.center_years": "BLKK-tahun",
    "coverage.trainees": "catatan peserta",
}
