"""Regional labour-market impact (notebook 03). (Bahasa Indonesia)"""

TEXT = {
    "impact.short": "{estimate} (selang 95% {lo} sampai {hi})",
    # hasil
    "impact.outcome.unemployment_rate": "Tingkat pengangguran terbuka (TPT, poin persen)",
    "impact.outcome.log_mean_wage": "Log rata-rata upah bulanan",
    # mengapa perbandingan (provinsi, kohort, tahun) tidak teridentifikasi
    "impact.cell.first_year": ("dibuka pada {cohort}, tahun pertama panel: tidak ada tahun sebelum pembukaan "
                               "sebagai pembanding"),
    "impact.cell.none_left": ("semua kabupaten/kota di provinsi ini sudah memiliki BLKK pada {year}: tidak ada "
                              "pembanding"),
    "impact.cell.too_few_one": ("hanya {n} kabupaten/kota di provinsi ini yang belum memiliki BLKK pada {year} "
                                "(kurang dari {min_controls})"),
    "impact.cell.too_few": ("hanya {n} kabupaten/kota di provinsi ini yang belum memiliki BLKK pada {year} "
                            "(kurang dari {min_controls})"),
    # mengapa inferensi plasebo tidak dapat dilakukan
    "impact.placebo.no_noise": ("observasi kabupaten/kota-tahun tanpa BLKK di provinsi {province} terlalu sedikit "
                                "untuk mengukur keragaman acaknya"),
    "impact.placebo.too_few_for_regency": ("hanya {n} kabupaten/kota di provinsi lain yang belum memiliki BLKK hingga "
                                           "{year}; diperlukan sedikitnya {min_pool} sebagai plasebo bagi "
                                           "kabupaten/kota {regency}"),
    "impact.placebo.too_few_for_comparison": ("hanya {n} kabupaten/kota di provinsi lain yang belum memiliki BLKK "
                                              "hingga {year}; diperlukan sedikitnya {min_pool} sebagai plasebo bagi "
                                              "kabupaten/kota pembanding {regency}"),
    # mengapa suatu wilayah tidak memperoleh estimasi
    "impact.reason.no_center": ("tidak ada kabupaten/kota di wilayah ini yang memiliki BLKK: tidak ada dampak yang "
                                "dapat diestimasi"),
    "impact.reason.no_valid_interval": "tidak ada selang yang sahih: {detail}",
    "impact.reason.no_year_before": ("tidak ada kabupaten/kota ber-BLKK yang memiliki tahun sebelum BLKK pertamanya "
                                     "di dalam panel"),
    "impact.reason.too_few_controls": ("tidak ada satu tahun pun setelah BLKK dibuka dengan sedikitnya "
                                       "{min_controls} kabupaten/kota di provinsi ini yang masih belum memiliki BLKK "
                                       "(paling banyak {best}): tren provinsi itu sendiri tidak dapat dipisahkan "
                                       "dari dampaknya"),
    # uji tren sebelum pembukaan
    "impact.pretest.not_computed": "Uji tren sebelum pembukaan tidak dihitung: {reason}",
    "impact.pretest.result_one": ("Uji tren sebelum pembukaan (sup-t atas {n} periode sebelum pembukaan, {method}): "
                                  "p = {p}, {verdict}."),
    "impact.pretest.result": ("Uji tren sebelum pembukaan (sup-t atas {n} periode sebelum pembukaan, {method}): "
                              "p = {p}, {verdict}."),
    "impact.pretest.parallel": "tidak ada tanda tren yang menyimpang sebelum pembukaan",
    "impact.pretest.diverged": ("tren sudah menyimpang sebelum pembukaan: baca estimasi ini bersama batas "
                                "sensitivitasnya"),
    "impact.pretest.no_pre": "tidak ada tahun sebelum pembukaan selain tahun acuan yang memiliki pembanding",
    "impact.pretest.no_spread": "salah satu estimasi periode sebelum pembukaan tidak bervariasi antarpenarikan",
    "impact.pretest.no_se": "tidak ada sel periode sebelum pembukaan yang memiliki galat baku",
    # cara selang diperoleh
    "impact.method.analytic_regency": "analitik, diklaster menurut kabupaten/kota",
    "impact.method.analytic_province": "analitik, diklaster menurut provinsi",
    "impact.method.placebo": "kabupaten/kota plasebo",
    "impact.method.multiplier": "sup-t atas sel periode sebelum pembukaan, bootstrap pengali",
    "impact.cluster.regency": "kabupaten/kota",
    "impact.cluster.province": "provinsi",
    # describe()
    "impact.describe.refused": "**{label}.** Tidak ada estimasi untuk {where}: {reason}.",
    "impact.describe.scope_national": ("kabupaten/kota di seluruh Indonesia, masing-masing dibandingkan di dalam "
                                       "provinsinya sendiri"),
    "impact.describe.scope_region": ("kabupaten/kota dibandingkan dengan kabupaten/kota di provinsinya sendiri yang "
                                     "belum memiliki BLKK"),
    "impact.describe.how_analytic": "selang dari fungsi pengaruh, diklaster menurut {cluster}",
    "impact.describe.how_placebo_pools": ("selang dan nilai p dari kabupaten/kota plasebo di provinsi lain "
                                          "({n} atau lebih pengganti per kabupaten/kota)"),
    "impact.describe.how_placebo": "selang dari kabupaten/kota plasebo",
    "impact.describe.compared": ("**{label}.** {where}: {n} dari {total} kabupaten/kota yang memiliki BLKK dapat "
                                 "dibandingkan ({scope}), pada {years}."),
    "impact.describe.average": "Dampak rata-rata **{estimate}** (selang 95% {lo} sampai {hi}, p = {p}; {how}).",
    "impact.describe.undetectable": ("Data ini dapat mendeteksi dampak sekitar {mde} atau lebih (kuasa uji 80%); "
                                     "dampak yang lebih kecil, ke arah mana pun, tidak dapat dibedakan dari tidak "
                                     "adanya dampak."),
    "impact.describe.detectable": ("Selang ini tidak mencakup nol; dampak terkecil yang dapat dideteksi data ini "
                                   "secara andal sekitar {mde}."),
    "impact.describe.dose": ("Per BLKK per 10 ribu angkatan kerja: {estimate} (selang 95% {lo} sampai {hi}), dengan "
                             "asumsi dampak bertambah sebanding dengan jumlah BLKK."),
    "impact.describe.sens_no_conclusion": ("Sensitivitas: dampak pada tahun pembukaan tidak dapat dibedakan dari nol "
                                           "bahkan jika tren tetap paralel sepenuhnya, sehingga tidak ada kesimpulan "
                                           "yang dapat runtuh."),
    "impact.describe.sens_holds": ("Sensitivitas: dampak pada tahun pembukaan tetap berbeda dari nol bahkan jika "
                                   "tren setelah pembukaan menyimpang {mbar} kali perubahan terbesar sebelum "
                                   "pembukaan."),
    "impact.describe.sens_breaks": ("Sensitivitas: dampak pada tahun pembukaan tetap berbeda dari nol hanya jika "
                                    "tren setelah pembukaan menyimpang kurang dari {mbar} kali perubahan terbesar "
                                    "sebelum pembukaan."),
    "impact.describe.sens_not_computed": "Batas sensitivitas tidak dihitung: {reason}",
    # batas sensitivitas
    "impact.sensitivity.not_requested": "tidak diminta",
    "impact.sensitivity.needs_periods": ("memerlukan sedikitnya satu periode sebelum pembukaan (e = -2) dan tahun "
                                         "pembukaan (e = 0) dalam studi peristiwa"),
    "impact.sensitivity.failed": "{target}, {restriction}: batas tidak dapat dihitung.",
    "impact.sensitivity.first": "tahun pertama",
    "impact.sensitivity.average": "rata-rata",
    "impact.sensitivity.ylabel": "himpunan 95% untuk dampak",
    "impact.restriction.relative_magnitudes": "besaran relatif",
    "impact.restriction.smoothness": "kemulusan",
    "impact.sens.opening_year": "tahun pembukaan",
    "impact.sens.average_after": "rata-rata setelah pembukaan",
    "impact.sens.rm_at": "besaran relatif, M̄ = {value}",
    "impact.sens.sd_at": "kemulusan, M = {value}",
    # tahun yang diestimasi
    "impact.years.none": "tidak ada tahun setelah pembukaan",
    "impact.years.one": "tahun ke-{years} sejak pembukaan (0 = tahun pembukaan)",
    "impact.years.many": "tahun ke-{years} sejak pembukaan (0 = tahun pembukaan)",
    # sel dan judul kolom tabel
    "impact.none": "tidak ada",
    "impact.not_estimated": "tidak diestimasi",
    "impact.across.refused": "tidak diestimasi: data ini tidak menyediakan kelompok pembanding ini (misalnya, setiap kabupaten/kota memiliki BLKK)",
    "impact.not_computed": "tidak dihitung",
    "impact.range": "{lo} sampai {hi}",
    "impact.n_of": "{n} dari {total}",
    "impact.no_conclusion": "tidak ada kesimpulan yang dapat runtuh",
    "impact.yes": "ya",
    "impact.no": "tidak",
    "impact.col.note": "catatan",
    "impact.col.interval": "selang 95%",
    "impact.col.p_value": "nilai p",
    "impact.col.per_center": "per BLKK per 10 ribu angkatan kerja",
    "impact.col.mde": "dampak terkecil yang dapat dideteksi (kuasa uji 80%)",
    "impact.col.compared": "kabupaten/kota ber-BLKK yang dibandingkan",
    "impact.col.inference": "inferensi",
    "impact.col.pretest_p": "nilai p uji tren sebelum pembukaan",
    "impact.col.breakdown": "titik runtuh Mbar (tahun pembukaan)",
    "impact.col.twfe": "TWFE statis",
    "impact.col.contrast": "TWFE dibandingkan dengan estimasi yang tangguh",
    "impact.col.effect": "dampak",
    "impact.col.restriction": "pembatasan",
    "impact.col.set": "himpunan 95%",
    "impact.col.includes_zero": "mencakup nol",
    "impact.col.truth": "nilai sebenarnya",
    "impact.col.covered": "tercakup",
    "impact.col.dose_estimate": "estimasi dampak per BLKK",
    "impact.col.dose_truth": "dampak per BLKK sebenarnya",
    "col.treated_regencies": "kabupaten/kota ber-BLKK",
    "col.years_estimated": "tahun yang diestimasi",
    "col.not_estimated_from": "tidak diestimasi sejak tahun",
    "col.why_not": "alasan",
    # bila gambar tidak dapat dibuat
    "impact.figure.sens_not_computed": "batas sensitivitas tidak dihitung: {reason}",
    "impact.figure.no_event_study": "tidak ada studi peristiwa",
    "impact.figure.nothing": "tidak ada yang dapat digambar",
    # gambar
    "impact.plot.before": "sebelum pembukaan (plasebo)",
    "impact.plot.after": "setelah pembukaan",
    "impact.plot.event_x": "Tahun sejak BLKK pertama dibuka (acuan: tahun sebelumnya)",
    "impact.plot.event_title": "Studi peristiwa, selang 95% ({method})",
    "impact.plot.region_title": "{name}: {outcome}\nselang 95%, {method}",
    "impact.plot.this_regency": "kabupaten/kota ini",
    "impact.plot.comparison": "kabupaten/kota di provinsi yang belum memiliki BLKK (rata-rata)",
    "impact.plot.trajectory_x": "Tahun (diarsir: setelah BLKK pertama dibuka)",
    "impact.plot.change_since": "Perubahan sejak {year}",
    "impact.plot.placebo_p": "; nilai p plasebo {p}",
    "impact.plot.trajectory": "Lintasan",
    "impact.honest.original": "asli (tren paralel)",
    "impact.honest.original_tick": "asli",
    "impact.honest.robust": "tangguh ({ci_method})",
    "impact.honest.breakdown": "titik runtuh {parameter} = {value}",
    "impact.honest.ylabel": "himpunan kepercayaan {level} untuk l'tau_post",
    "impact.honest.title_rm": "Besaran relatif (Delta^RM)",
    "impact.honest.title_sd": "Kemulusan (Delta^SD)",
    # TWFE dibandingkan dengan Callaway-Sant'Anna
    "impact.twfe.agree": ("TWFE ({twfe}) dan dampak rata-rata Callaway-Sant'Anna ({cs}) sejalan dalam batas galat "
                          "sampling, sehingga regresi sederhana ini tidak menyesatkan di sini."),
    "impact.twfe.below": ("TWFE ({twfe}) lebih rendah daripada dampak rata-rata Callaway-Sant'Anna ({cs}) sebesar "
                          "{diff}, melebihi yang dapat dijelaskan oleh galat sampling."),
    "impact.twfe.above": ("TWFE ({twfe}) lebih tinggi daripada dampak rata-rata Callaway-Sant'Anna ({cs}) sebesar "
                          "{diff}, melebihi yang dapat dijelaskan oleh galat sampling."),
    "impact.twfe.negative": ("TWFE memberi bobot negatif pada {n} dari {total} sel kohort-tahun yang mendapat "
                             "perlakuan (paling negatif: kohort {cohort} pada {year}), karena unit yang sudah "
                             "mendapat perlakuan dipakai sebagai pembandingnya."),
    "impact.twfe.biased": ("Bila dampak bertambah seiring waktu sejak perlakuan, perbandingan terlarang ini "
                           "mengurangi sebagian dampak yang bertambah itu, sehingga TWFE bias; laporkan estimasi "
                           "Callaway-Sant'Anna."),
    # paragraf pasar kerja pada ringkasan wilayah (notebook 00)
    "impact.headline.tpt": "pengangguran terbuka (TPT)",
    "impact.headline.wage": "rata-rata upah",
    "impact.headline.national": ("**Secara nasional**, kabupaten/kota yang memiliki BLKK, masing-masing dibandingkan "
                                 "dengan kabupaten/kota di provinsinya sendiri yang belum memiliki BLKK: perubahan "
                                 "{label} sebesar **{short}**; dampak terkecil yang dapat dideteksi data ini sekitar "
                                 "{mde}."),
    "impact.headline.how_placebo": "dari kabupaten/kota plasebo",
    "impact.headline.how_analytic": "analitik",
    "impact.headline.local": ("**Di {name}**: {short}, pada {years} ({n} dari {total} kabupaten/kota ber-BLKK "
                              "dibandingkan; selang {how}; dapat dideteksi sekitar {mde})."),
    "impact.headline.refused": "**Di {name}** tidak ada estimasi: {reason}.",
    "impact.headline.zero": ("Selang yang mencakup nol berarti dampaknya terlalu kecil untuk terlihat dengan data "
                             "ini, bukan berarti dampaknya nol."),
}
