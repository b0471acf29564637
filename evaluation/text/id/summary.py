"""The regional summary (notebook 00) and the index headline. (Bahasa Indonesia)"""

TEXT = {
    "summary.header": "## {name} ({region})\n\n- **{centers} BLKK** di {regencies} {regency_word}, dibuka {first}–{last}.\n- Tahun {year}: **{mandiri}% mandiri**, {berkembang}% berkembang, {tumbuh}% tumbuh (nasional: {national}% mandiri).",
    "summary.header_empty": "## {name}\n\nTidak ada BLKK di wilayah ini.",
    "summary.trainees": "Secara nasional, pelatihan menaikkan pendapatan bulanan peserta sebesar **{income}** (selang 95% {lo} sampai {hi}) dan peluang bekerja mereka sebesar **{employment} poin**, dibandingkan dengan orang serupa dari sampel survei.",
    "summary.trainees_none": "Data ini tidak memuat catatan peserta: dampak pada peserta tidak dapat diestimasi.",
    "headline.centers": "BLKK",
    "headline.mandiri": "mandiri",
    "headline.high_risk": "BLKK terbuka di {k} risiko tertinggi nasional",
    "headline.of": "{n} dari {total}",
    "headline.income": "dampak pelatihan pada pendapatan bulanan (nasional)",
    "headline.tpt_national": "dampak pada TPT kabupaten/kota (nasional)",
    "headline.tpt_with_mde": "{effect} (MDE {mde})",
    "headline.tpt_region": "dampak pada TPT kabupaten/kota (wilayah ini)",
    "headline.not_identified": "tidak diestimasi",
}
