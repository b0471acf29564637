"""The notebooks' narrative in Bahasa Indonesia.

Key ``nb.<notebook stem>.<cell id>``; value ``(digest, text)``: ``digest`` is
:func:`evaluation.text.digest` of the English markdown cell the text translates, so a test
finds a translation whose English has changed since.
"""

NARRATIVE: dict[str, tuple[str, str]] = {
    # 00 Regional summary
    "nb.00_regional_summary.c00": ("f66134c90b0d", """\
# Ringkasan wilayah

Halaman yang dibaca pertama kali: apa yang dimiliki wilayah ini, apa yang dilakukan program bagi pesertanya
dan bagi pasar kerjanya, serta BLKK mana yang memerlukan bantuan untuk menjadi mandiri. Setiap bagian
merujuk ke notebook yang memuat rinciannya."""),
    "nb.00_regional_summary.c03m": ("7c663c3f359a", """\
Lokasi BLKK, lokasi BLKK terbuka yang berisiko tinggi, dan kabupaten/kota yang memiliki estimasi
pasar kerjanya sendiri. Setiap kabupaten/kota digambar menurut batas wilayahnya dan diwarnai menurut
nilainya; kabupaten/kota berwarna abu-abu tidak memiliki nilai (misalnya karena tidak ada estimasi yang
teridentifikasi di sana); pada halaman provinsi, provinsi tetangga berwarna abu-abu muda."""),
    "nb.00_regional_summary.c04": ("accf88065f3a", """\
## Peserta (rincian: 04 Hasil peserta)"""),
    "nb.00_regional_summary.c06": ("aa1aaba02e4c", """\
## Pasar kerja lokal (rincian: 03 Dampak regional)"""),
    "nb.00_regional_summary.c08": ("a71ecb0a264e", """\
## BLKK yang berisiko tidak menjadi mandiri (rincian: 05 Risiko kemandirian)"""),

    # 01 Data quality
    "nb.01_data_quality.c00": ("d8db7b1b2716", """\
# Kualitas data hasil BLKK

**Pertanyaan.** Apakah daftar BLKK, data hasil BLKK-tahun, panel pasar kerja kabupaten/kota,
dan (bila ada) catatan peserta cukup lengkap dan konsisten untuk mengevaluasi program
*Balai Latihan Kerja Komunitas*? Setiap notebook berikutnya dibangun di atas tabel-tabel ini; halaman ini
menjelaskan isinya dan kesalahan yang ada di dalamnya, sebelum estimasi apa pun dibuat.

**Data.** Folder pada `data_dir`, diperiksa terhadap kontrak data (DESIGN.md): empat tabel,
kode wilayah Kemendagri sebagai teks, rupiah dalam bilangan bulat, tahun dalam bilangan bulat. Secara bawaan
digunakan sampel sintetis yang disertakan, yang dikalibrasi dengan angka program yang dipublikasikan, tetapi **bukan data riil**."""),
    "nb.01_data_quality.c03": ("75ddfe54a6fb", """\
## Validasi terhadap kontrak data

Setiap masalah dicantumkan beserta berkas, kolom, dan contoh barisnya. Galat menghentikan eksekusi
laporan; peringatan (misalnya kolom yang dibuang karena tampak seperti pengenal pribadi) tidak."""),
    "nb.01_data_quality.c05": ("eb238f18dc00", """\
## Isi tabel

Total nasional lebih dahulu, kemudian potongan untuk wilayah yang ditetapkan dalam parameter."""),
    "nb.01_data_quality.c08": ("a89c748bb97b", """\
## BLKK yang dibuka per tahun

Program membangun 50 BLKK pada 2017, 75 pada 2018, dan sekitar seribu per tahun pada 2019 sampai 2020
(angka Kementerian Ketenagakerjaan). Lembaga penyelenggara: pertama-tama pesantren, lalu lembaga keagamaan
lainnya, dan sejak 2020 serikat pekerja."""),
    "nb.01_data_quality.c10": ("43956dc016ee", """\
## Tahap kemandirian

Tahap-tahap dalam peta jalan (Peta Jalan Kemandirian BLK Komunitas 2022–2024): *tumbuh* (berizin,
menyelenggarakan pelatihan), *berkembang* (memiliki kemitraan yang mendanai pelatihan, bekerja sama dengan alumni),
*mandiri* (mampu menopang dirinya sendiri). Secara nasional pada Agustus 2023: 46% / 41% / 13% dari 3,757 BLKK."""),
    "nb.01_data_quality.c13": ("fa592348369f", """\
## Apa artinya

Tabel-tabel di atas menjadi dasar setiap notebook lain dalam laporan ini. Yang dihitung adalah BLKK,
bukan orang; tidak ada pengenal pribadi yang dibaca (kolom yang tampak seperti pengenal pribadi dibuang saat dimuat)."""),

    # 02 Center outcomes
    "nb.02_center_outcomes.c00": ("c899ca1f1305", """\
# Hasil BLKK: pelatihan, penempatan, dan jalan menuju kemandirian

**Pertanyaan.** Berapa banyak pelatihan yang diselenggarakan BLKK di wilayah ini, berapa banyak peserta yang
lulus, tersertifikasi, dan mendapat pekerjaan, dan sejauh mana BLKK telah menapaki peta jalan
kemandirian? Peta jalan (Peta Jalan Kemandirian BLK Komunitas 2022–2024) mengharapkan BLKK membiayai
dirinya sendiri setelah sekitar dua tahun dukungan kementerian; halaman ini menunjukkan posisi wilayah ini."""),
    "nb.02_center_outcomes.c03": ("e80f7e8b771f", """\
## Pelatihan yang diselenggarakan, dari tahun ke tahun

Paket adalah kelas pelatihan (masing-masing sekitar 16 peserta) yang didanai kementerian (APBN) atau oleh
BLKK sendiri. Tingkat dihitung secara gabungan atas semua BLKK: lulus / terdaftar, tersertifikasi / lulus,
ditempatkan (bekerja atau berwirausaha) / lulus; pendapatan sendiri sebagai porsi biaya operasional."""),
    "nb.02_center_outcomes.c06": ("b5332620e2c9", """\
## Menurut kejuruan dan lembaga penyelenggara"""),
    "nb.02_center_outcomes.c09": ("d98576b184e0", """\
## Tahap kemandirian menurut usia

Porsi BLKK pada setiap tahap menurut lama sejak dibuka, pada tahun data terakhir. Peta jalan
mengharapkan porsi *mandiri* meningkat seiring bertambahnya usia BLKK; garis yang datar berarti dukungan
berakhir sebelum BLKK mampu berdiri sendiri."""),
    "nb.02_center_outcomes.c12": ("30d3667b9d3b", """\
## Membaca angka-angka ini

Tingkat kelulusan dan penempatan adalah angka sebagaimana dilaporkan BLKK (studi pelacakan), bukan hasil
yang terverifikasi; dampak pelatihan pada pendapatan peserta diestimasi dalam notebook hasil peserta
terhadap kelompok pembanding, dan dampak pada pasar kerja kabupaten/kota dalam notebook
dampak regional."""),

    # 03 Regional impact
    "nb.03_regional_impact.c00": ("9c301cdac7e3", """\
# Dampak regional: apakah BLKK menggerakkan pengangguran dan upah setempat?

**Pertanyaan.** Apakah kabupaten/kota tempat BLKK dibuka mengalami tingkat pengangguran terbuka (TPT) yang
lebih rendah atau upah yang lebih tinggi daripada seandainya tanpa BLKK? BLKK dibuka di kabupaten/kota yang
berbeda pada tahun yang berbeda (2017–2023): adopsi yang *bertahap*.

**Cara.** Kabupaten/kota yang memiliki BLKK dibandingkan dengan kabupaten/kota **di provinsinya sendiri** yang
belum memiliki BLKK pada tahun yang sama, relatif terhadap tahun sebelum BLKK pertamanya dibuka
(perbandingan kelompok-waktu Callaway dan Sant'Anna dengan kontrol yang belum diberi perlakuan, dijalankan
per provinsi). Perbandingan di dalam satu provinsi menghilangkan setiap guncangan yang melanda seluruh provinsi
pada suatu tahun: pasar kerja provinsi bergerak sangat berbeda (lonjakan 2020 di Bali tidak sama dengan
lonjakan di Papua), dan tanpa perbandingan itu ayunan tersebut akan terbaca sebagai dampak BLKK.

**Yang dapat disimpulkan.** Pada 2020 hampir setiap kabupaten/kota telah memiliki BLKK, sehingga di sebagian
besar provinsi perbandingan hanya tersedia untuk tahun-tahun pertama setelah pembukaan; tahun-tahun selanjutnya
*tidak teridentifikasi* dan tidak dilaporkan. Setiap estimasi menyebutkan tahun yang dicakupnya, seberapa pasti
estimasi itu (bila kabupaten/kota yang diberi perlakuan hanya sedikit, selang diperoleh dari kabupaten/kota
plasebo di provinsi lain, bukan dari aproksimasi normal), apakah tren sudah berbeda sebelum pembukaan, dan
seberapa jauh tren harus menyimpang setelah pembukaan untuk mengubah kesimpulan (batas sensitivitas). Dampak
terkecil yang dapat dideteksi (MDE) menunjukkan besaran dampak yang pada dasarnya dapat terlihat oleh data:
hasil yang berada di dalam batas itu berarti "terlalu kecil untuk dibedakan", bukan "tidak ada dampak"."""),
    "nb.03_regional_impact.c03": ("3b3c37f3d0e0", """\
## Nasional: setiap provinsi dibandingkan di dalam dirinya sendiri

Seluruh kabupaten/kota di Indonesia, masing-masing hanya dibandingkan dengan kabupaten/kota di provinsinya
sendiri, dengan pengaturan bawaan (sedikitnya empat kabupaten/kota pembanding per tahun). Selang diperoleh
dari fungsi pengaruh, diklaster menurut kabupaten/kota, atau menurut provinsi bila cara itu membuatnya lebih lebar."""),
    "nb.03_regional_impact.c07": ("2b3a14c85ecc", """\
### Desain baku lintas provinsi, sebagai rujukan

Pertanyaan yang sama dijawab dengan cara bawaan paket R Callaway dan Sant'Anna (fungsi `att_gt`): kabupaten/kota yang
memiliki BLKK dibandingkan dengan kabupaten/kota *di seluruh Indonesia* yang tidak memilikinya (atau belum memilikinya),
serta regresi efek tetap dua arah (TWFE) statis yang dikenal pembaca. Karena tren kabupaten/kota tanpa BLKK berbeda
antarprovinsi, desain ini mencampurkan ayunan provinsi ke dalam dampak; desain ini ditampilkan agar pembaca yang
mengenalnya dapat melihat seberapa jauh hasilnya menyimpang dari estimasi di dalam provinsi, bukan sebagai jawabannya."""),
    "nb.03_regional_impact.c09": ("4ed9c8f8ddc3", """\
## Wilayah ini

Kabupaten/kota di wilayah ini yang memiliki BLKK, masing-masing dibandingkan dengan kabupaten/kota di provinsinya
sendiri yang belum memilikinya. Untuk satu kabupaten/kota, gambar menunjukkan lintasannya sendiri di samping
perbandingan itu, dengan nilai p dari kabupaten/kota plasebo; untuk satu provinsi, studi peristiwa (tahun sebelum
pembukaan menjadi acuan; tahun-tahun sebelumnya adalah estimasi plasebo yang seharusnya berada di sekitar nol)."""),
    "nb.03_regional_impact.c12": ("7b8719ca5b6f", """\
Tahun-tahun setelah pembukaan yang dapat diestimasi, kohort demi kohort (kohort adalah kabupaten/kota yang
BLKK pertamanya dibuka pada tahun yang sama), dan alasan tahun-tahun selanjutnya tidak dapat diestimasi:"""),
    "nb.03_regional_impact.c15": ("c42f18ca51cb", """\
### Seberapa kokoh kesimpulan ini terhadap tren yang tidak paralel?

Batas Rambachan dan Roth melebarkan selang untuk tingkat pengangguran terbuka dengan membolehkan selisih
tren setelah pembukaan berbeda dari yang ditunjukkan oleh tahun-tahun sebelum pembukaan. *Besaran
relatif* (M̄): perubahan selisih setiap tahun setelah pembukaan boleh mencapai M̄ kali perubahan terbesar
yang terlihat sebelum pembukaan. *Kehalusan* (M): selisih boleh membelok dari garis lurus hingga M per
tahun. Nilai titik patah adalah M̄ atau M terkecil yang membuat selang mencakup nol; bila selang sudah
mencakup nol dengan asumsi tren paralel, tidak ada kesimpulan yang dapat dipatahkan."""),
    "nb.03_regional_impact.c18": ("779baa392a25", """\
## Apa artinya

Bacalah setiap estimasi bersama selangnya dan dampak terkecil yang dapat dideteksinya: dampak yang lebih kecil
daripada MDE tidak dapat dibedakan dari nol dengan panel ini, berapa pun besar sebenarnya. Tahun-tahun
yang tidak tercantum sebagai teridentifikasi sama sekali tidak diestimasi, karena tidak ada kabupaten/kota di
provinsi itu yang tersisa tanpa BLKK untuk menunjukkan apa yang akan terjadi seandainya tidak ada BLKK. Dampak
program diukur lebih langsung pada peserta itu sendiri (notebook hasil peserta)."""),
    "nb.03_regional_impact.c20": ("f26a2bee50d5", """\
## Pemeriksaan terhadap nilai sebenarnya (hanya sampel sintetis)

Sampel ini memuat dampak yang ditanam (`truth/regency_effects.csv`). Dampak sebenarnya dirata-ratakan atas
kabupaten/kota-tahun yang persis sama dengan yang digunakan setiap estimasi. Bagian ini dilewati untuk data riil."""),

    # 04 Trainee outcomes
    "nb.04_trainee_income.c00": ("2985e91bc138", """\
# Hasil peserta: apakah pelatihan BLKK menaikkan pendapatan dan peluang bekerja peserta?

**Pertanyaan.** Pengangguran kabupaten/kota bergerak terlalu sedikit untuk memperlihatkan program dengan ~60 peserta
per BLKK per tahun. Sinyalnya ada pada pendapatan dan status bekerja peserta sendiri. Studi pelacakan mengikuti
peserta; survei angkatan kerja menyediakan orang-orang serupa yang tidak dilatih. Peserta berbeda dari sampel
survei (lebih muda, lebih jarang bekerja sebelumnya, berasal dari kabupaten/kota yang lebih miskin), sehingga
perbandingan mentah menyesatkan: estimasi di bawah ini menyesuaikan karakteristik yang diukur sebelum pelatihan
serta tempat dan waktu orang-orang itu tinggal (kelompok pulau, tahun, UMK dan tingkat pengangguran
kabupaten/kota).

**Estimand.** Dampak rata-rata pelatihan pada mereka yang dilatih (ATT), pada pendapatan bulanan (Rp) dan
pada peluang bekerja. Bobot survei digunakan di seluruh analisis.

**Yang perlu diketahui pembaca sebelum memercayai suatu angka.** Halaman ini menunjukkan, bagian demi bagian:
galat baku yang memperhitungkan bahwa peserta dari satu BLKK, dan responden survei dari satu
kabupaten/kota-tahun, dapat saling mirip (terklaster); apa yang terjadi pada estimasi bila peserta yang tidak
menjawab studi pelacakan diabaikan, diperhitungkan dengan pembobotan, atau diberi batas; seberapa kuat faktor
perancu yang tidak tercatat perlu ada agar dampak itu hilang; dan mengapa perbandingan sebelum-sesudah akan
melebih-lebihkannya."""),
    "nb.04_trainee_income.c03": ("f53486b1fb07", """\
## Dampak pada pendapatan dan status bekerja, semua metode (nasional)

`naive` membandingkan rata-rata mentah dan ditampilkan hanya untuk memperlihatkan betapa kelirunya; `ols` dan `ra`
menyesuaikan dengan regresi; `ipw` memberi bobot ulang sampel pembanding agar menyerupai peserta; `match` memasangkan
setiap peserta dengan orang pembanding yang serupa; `aipw` menggabungkan pembobotan dan regresi dan menjadi
angka utama (estimasinya tetap benar bila salah satu dari kedua modelnya benar).

Galat baku diklaster: klaster seorang peserta adalah BLKK-nya, klaster seorang pembanding adalah
kabupaten/kota-tahun tempat survei mengambil sampelnya. Peserta yang tidak menjawab studi pelacakan diwakili
oleh responden yang serupa dengan mereka (dibobot dengan kebalikan peluang menjawab yang diestimasi; lihat
di bawah). `robustness_value` adalah porsi varians residual pelatihan maupun variabel hasil yang harus
dijelaskan oleh faktor perancu tersembunyi untuk menghapus estimasi (lihat di bawah)."""),
    "nb.04_trainee_income.c07": ("fd63f9250edf", """\
### Galat baku terklaster dan tidak terklaster

Orang-orang yang dilatih oleh satu BLKK berbagi instruktur dan kontak pemberi kerja yang sama; orang-orang yang
disurvei dalam satu kabupaten/kota-tahun berbagi pasar kerja yang sama. Memperlakukan mereka sebagai saling bebas
membuat ketidakpastian ditaksir terlalu rendah bila mereka mirip. Rasio di bawah menunjukkan seberapa lebih lebar
galat baku terklaster. Kolom terakhir mengklaster angka utama menurut kabupaten/kota (satu kabupaten/kota mencakup
BLKK-nya dan kabupaten/kota-tahun surveinya, sehingga juga memperhitungkan guncangan yang dialami bersama oleh
peserta dan orang pembanding dalam satu pasar kerja): pilihan yang lebih kasar dan lebih konservatif."""),
    "nb.04_trainee_income.c09": ("83cf1c0e648d", """\
## Keseimbangan dan tumpang tindih

Kiri: selisih rata-rata terstandar setiap karakteristik sebelum dan sesudah pembobotan (dalam ±0.1 berarti
seimbang), termasuk kovariat wilayah, tahun, dan pasar kerja. Kanan: skor propensitas peserta dan orang
pembanding; estimasi bertumpu pada rentang tempat keduanya tumpang tindih."""),
    "nb.04_trainee_income.c11": ("8ce9abc085c5", """\
## Peserta yang tidak menjawab studi pelacakan

Studi pelacakan hanya menjangkau sebagian peserta; pendapatan dan status bekerja peserta lainnya kosong.
Tiga cara membaca data yang sama:

* **kasus lengkap** mengabaikan isian yang kosong. Benar hanya bila mereka yang menjawab serupa dengan mereka yang
  tidak menjawab, dan hal itu jarang terjadi: BLKK yang tetap berhubungan dengan alumninya adalah BLKK yang lebih
  baik, dan alumni yang menjawab lebih sering adalah mereka yang keadaannya baik.
* **berbobot respons** (angka utama): setiap responden mewakili peserta serupa yang tidak menjawab, dengan
  bobot kebalikan dari peluang menjawabnya yang diestimasi (model peluang menjawab berdasarkan catatan orang
  itu, wilayah, tahun dan pasar kerja, serta catatan BLKK-nya).
  Benar bila, setelah semua itu diperhitungkan, menjawab tidak berkaitan dengan variabel hasil.
* **batas Lee**: sama sekali tanpa model peluang menjawab. Batas ini membatasi dampak pada peserta yang
  menjawab, dan menjadi lebar bila banyak yang tidak menjawab: lebar itulah yang dapat dipersempit oleh tingkat
  respons yang lebih tinggi.

Pada sampel sintetis, garis putus-putus adalah dampak sebenarnya pada semua peserta, dan garis titik-titik
dampak sebenarnya pada peserta yang menjawab."""),
    "nb.04_trainee_income.c14": ("9e8c21b57379", """\
## Seberapa kuat faktor perancu tersembunyi yang dibutuhkan?

Setiap estimasi di sini mengasumsikan bahwa, setelah karakteristik yang tercatat diperhitungkan, siapa yang
berlatih dapat dianggap acak. Sifat yang tidak dicatat siapa pun (motivasi, dukungan keluarga) yang membuat
orang sekaligus berlatih dan berpenghasilan lebih tinggi akan membiaskan estimasi ke atas. Analisis sensitivitas
Cinelli & Hazlett (2020) menanyakan seberapa kuat sifat semacam itu harus ada. **Nilai ketahanan** adalah
porsi varians residual *baik* pelatihan maupun variabel hasil yang harus dijelaskan sifat itu untuk membawa
estimasi ke nol; tolok ukur menerjemahkannya ke dalam kata-kata: sifat yang *k* kali sekuat pendidikan (atau
status bekerja sebelumnya, pendapatan sebelumnya, UMK kabupaten/kota) akan menyisakan estimasi tersesuaikan
yang ditampilkan. Nilai ini dihitung untuk estimasi regresi, padanan linear dari angka utama; nilai untuk
angka utama sendiri merupakan aproksimasi."""),
    "nb.04_trainee_income.c18": ("ba1400dc0b9b", """\
## Mengapa tidak membandingkan pendapatan sebelum dan sesudah pelatihan? (penurunan Ashenfelter)

Orang sering mendaftar setelah masa sulit: kehilangan pekerjaan, bulan yang sepi. Pendapatan mereka tepat
sebelum pelatihan sedang rendah untuk sementara dan sebagian akan pulih dengan sendirinya. Perbandingan
sebelum-sesudah (bahkan terhadap perubahan pada kelompok pembanding: selisih dari selisih) menganggap
pemulihan itu sebagai hasil pelatihan. Estimasi di atas membandingkan orang-orang *dengan pendapatan yang sama
sebelum pelatihan*, sehingga pemulihannya sama di kedua sisi dan tidak masuk ke dalam dampak."""),
    "nb.04_trainee_income.c20": ("70994f6ef077", """\
## Menurut kejuruan dan lembaga penyelenggara (nasional)

**Bacalah baris-baris ini sebagai gambaran peserta setiap kelompok, bukan sebagai dampak kelompok itu.** Setiap
baris adalah dampak pelatihan pada peserta kejuruan atau jenis lembaga penyelenggara itu, dibandingkan dengan
seluruh sampel pembanding (kekar ganda, berbobot respons, terklaster). Angka yang lebih tinggi untuk BLKK yang
diselenggarakan serikat pekerja tidak berarti bahwa serikat pekerja membuat pelatihan lebih berhasil: pesertanya
berbeda (tempat tinggalnya, apa yang dimilikinya sebelumnya) dan mungkin demikian pula BLKK-nya. Kelompok dengan
peserta yang menjawab kurang dari `min_trainees` tidak diestimasi; jumlah di bawah 10 tidak ditampilkan."""),
    "nb.04_trainee_income.c23": ("f8031d435ce6", """\
## Wilayah ini"""),
    "nb.04_trainee_income.c26": ("5b3fd4ee1d84", """\
## Pemeriksaan terhadap nilai sebenarnya (hanya sampel sintetis)

Sampel ini memuat dampak pelatihan yang ditanam (`truth/trainee_effects.csv`). Sampel ini juga dengan sengaja menanam
hal yang tidak dapat sepenuhnya diperbaiki oleh estimator: sifat yang tidak dicatat siapa pun, yang mendorong pelatihan
sekaligus hasil, dan ketiadaan respons yang bergantung pada sifat itu. Bias yang diharapkan dari keduanya dicatat (bias
yang ditanam), sehingga pembaca dapat membedakan estimasi yang meleset dari bias yang ditanam. Dilewati untuk data riil."""),
    "nb.04_trainee_income.c28": ("7507fb44d6bd", """\
## Lampiran: apa yang ditunjukkan tolok ukur NSW, dan apa yang tidak

Eksperimen National Supported Work (LaLonde 1986) mengacak siapa yang mendapat pelatihan kerja, sehingga estimasi
eksperimentalnya (1,794 dolar Amerika Serikat pendapatan tahun 1978, sampel Dehejia & Wahba) adalah dampak yang
sebenarnya. Mengganti kelompok kontrol hasil pengacakan dengan orang-orang dari survei angkatan kerja (CPS-1),
sebagaimana dilakukan studi pelacakan kita, menunjukkan seberapa dekat hasil setiap metode. Perbandingan naif meleset
sekitar 10,000 dolar; pembobotan, pencocokan, dan estimator kekar ganda jatuh dalam satu galat baku eksperimental
(671 dolar) dari nilai sebenarnya dan memperingatkan bahwa tumpang tindihnya buruk, sebagaimana kenyataannya.

**Yang ditunjukkannya:** kodenya benar (angka-angka deterministik cocok dengan angka yang dipublikasikan, lihat
`tests/test_trainees_reference.py`) dan estimator yang menggunakan skor propensitas memperbaiki seleksi yang
besar dan kasatmata berdasarkan riwayat pendapatan.

**Yang tidak ditunjukkannya.** Subsampel Dehejia & Wahba adalah kasus yang *mudah*: subsampel ini hanya memuat
peserta yang pendapatannya dua tahun sebelum program diketahui, dan Smith & Todd (2005) menunjukkan bahwa hasil
yang baik itu bergantung pada pilihan tersebut; pada sampel LaLonde yang lebih lengkap, estimator yang sama meleset
jauh lebih besar. Bahkan pada kasus yang mudah, regresi biasa (`ols`, `ra`) masih meleset sekitar 700 dolar, satu
galat baku eksperimental: tolok ukur yang dilalui sebagian estimator bukanlah jaminan bagi semuanya. Data NSW tidak
memiliki pengklasteran survei, ketiadaan respons studi pelacakan, maupun pasar kerja regional, sehingga tolok ukur
ini tidak mengatakan apa pun tentang bagian-bagian desain kita tersebut; sampel sintetis (dengan nilai sebenarnya
yang ditanam) dan analisis sensitivitas di atas yang menjawabnya. Lolosnya tolok ukur ini pada laki-laki Amerika
pada dekade 1970 juga tidak berarti bahwa seleksi berdasarkan variabel teramati berlaku bagi peserta di Indonesia."""),

    # 05 Independence risk
    "nb.05_independence_risk.c00": ("4dcb16233a94", """\
# Risiko kemandirian: BLKK mana yang mungkin tidak mencapai *mandiri*, dan apa yang menyertainya

**Pertanyaan.** Dukungan kementerian untuk sebuah BLKK berlangsung sekitar dua tahun, lalu berkurang secara
bertahap. Peta jalan mengharapkan setiap BLKK menjadi *mandiri* (mampu menopang dirinya sendiri: pendapatan
sendiri, akreditasi atau izin, basis data alumni, kemitraan). Pada akhir dukungan, kementerian memutuskan
ke mana bantuan diperpanjang. Halaman ini menyebutkan, untuk setiap BLKK yang hasilnya **masih terbuka** (belum
mencapai *mandiri* dan empat tahun sejak dibukanya belum berlalu), seberapa besar kemungkinannya **tidak**
mencapainya dalam empat tahun sejak dibuka, dan tiga indikator yang paling menyertai risiko tersebut. BLKK
yang empat tahunnya telah berlalu tidak diprediksi: apa yang terjadi padanya dilaporkan sebagai hasil
teramati.

**Cara.** Sebuah model belajar dari BLKK yang lebih lama tentang seperti apa dua tahun pertama mereka dan apakah
mereka menjadi *mandiri*. Model ini diuji secara jujur: pengaturannya dipilih dan model dilatih pada kohort
yang lebih awal, lalu diuji satu kali pada kohort yang lebih akhir yang tidak pernah dilihatnya. Probabilitasnya
terkalibrasi: dari BLKK yang diberi 80%, sekitar 80% tidak mencapai *mandiri*. Model ini diestimasi satu kali
untuk seluruh Indonesia; halaman ini membaca potongannya. Indikator-indikatornya adalah hal yang dikaitkan model
dengan risiko pada kohort sebelumnya, bukan penyebab yang terbukti."""),
    "nb.05_independence_risk.c03": ("99cd6e37a276", """\
## Seberapa baik prediksinya?

Setiap kohort berlabel memainkan satu peran (di bawah): pengaturan model dipilih melalui validasi silang di dalam
kohort data latih, dan kohort data uji dinilai satu kali, di akhir. Pembanding dasar: satu indikator yang paling
informatif saja, dan porsi keseluruhan. Pada sampel sintetis, baris *oracle* menggunakan probabilitas sebenarnya
yang ditanam: tidak ada model yang dapat mengunggulinya.
AUC: seberapa baik BLKK diurutkan (1 = sempurna, 0.5 = lempar koin). Brier: rata-rata kuadrat galat
probabilitas (makin rendah makin baik). ECE: rata-rata selisih antara risiko yang diprediksi dan yang teramati.
Presisi pada k: porsi dari k BLKK berisiko tertinggi yang memang tidak mencapainya."""),
    "nb.05_independence_risk.c06": ("b568cc395370", """\
## Yang dikaitkan model dengan risiko (model logistik, nasional)

Rasio odds per simpangan baku setiap indikator pada usia saat keputusan: di atas 1 menyertai odds yang lebih
tinggi untuk *tidak* menjadi *mandiri*, di bawah 1 odds yang lebih rendah. Ini adalah asosiasi pada kohort
sebelumnya, bukan dampak. Kohort, pulau, kota, jenis lembaga penyelenggara, kejuruan, dan pasar kerja
kabupaten/kota dimasukkan ke dalam model agar indikator lainnya dibandingkan secara setara; semuanya merupakan
konteks, bukan tuas kebijakan."""),
    "nb.05_independence_risk.c08": ("a036558dce14", """\
## Register risiko untuk wilayah ini: BLKK yang hasilnya masih terbuka

Setiap BLKK di wilayah ini yang belum mencapai *mandiri* sementara empat tahun sejak dibukanya
masih berjalan, dengan probabilitasnya tidak mencapai *mandiri* tepat waktu, kelompoknya, dan
tiga indikator yang dapat ditindaklanjuti petugas program yang paling menyertai risikonya
(kemitraan, pelatihan yang didanai sendiri, pendapatan sendiri, basis data alumni, izin atau
akreditasi, sertifikasi, penempatan), serta konteksnya. Kelompok mengikuti kapasitas dukungan
kementerian (parameter `capacity`): kalimat tentang kelompok di bawah memberikan probabilitas
pada setiap titik potong, dan tabel sesudahnya menunjukkan bagaimana titik potong yang sama
memilah kohort uji. Register lengkap diekspor bersama laporan dalam format CSV dan XLSX."""),
    "nb.05_independence_risk.c09c": ("925c0fae8b80", """\
## BLKK yang hasilnya sudah diketahui

Bagi BLKK ini, empat tahun sejak dibuka telah berlalu (atau BLKK sudah *mandiri*): apakah BLKK mencapai
*mandiri* tepat waktu adalah hasil teramati, bukan prediksi, dan BLKK ini tidak diberi peringkat.
Kolom terakhir menghitung BLKK yang tidak mencapainya dan sampai kini masih belum *mandiri*."""),
    "nb.05_independence_risk.c10": ("88a4640f0d3d", """\
## Waktu menuju kemandirian

Kaplan–Meier: porsi BLKK yang telah mencapai *mandiri* pada setiap usia, secara nasional, menurut kohort,
kejuruan, dan jenis lembaga penyelenggara. Model Cox memberikan faktor pendorong pencapaiannya (rasio hazard
di atas 1 = mencapainya lebih cepat)."""),
    "nb.05_independence_risk.c14": ("76a82d51d5b6", """\
## Membaca register

Probabilitas yang tinggi bukanlah vonis: artinya BLKK yang tampak seperti BLKK ini pada akhir tahun keduanya
jarang menjadi *mandiri* tepat waktu. Indikator menunjuk pada hal yang dapat ditindaklanjuti petugas program
(kemitraan, pelatihan yang didanai sendiri, pendapatan sendiri, basis data alumni, izin), tetapi indikator
itu adalah asosiasi yang dipelajari dari kohort sebelumnya: BLKK yang menambah kemitraan tidak dengan
sendirinya dapat dipastikan akan menjadi *mandiri*.

## Pemeriksaan terhadap nilai sebenarnya (hanya sampel sintetis)

Angka `oracle_*` di atas berasal dari probabilitas sebenarnya yang ditanam dalam sampel
(`truth/center_mandiri_probability.csv`); untuk data riil angka-angka ini tidak ada."""),
}
