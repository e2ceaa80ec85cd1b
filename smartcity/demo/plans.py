"""Demo master plans for ``seed_demo``: a plan in every status, with the workflow events, documents and quarterly
progress a real run would leave, all marked ``is_demo`` and all built the same way on every run.

Every workflow step goes through ``masterplans.services`` with the demo accounts (the demo reviewer, and an officer
of each regency), so the events, history and rules are those of the pages; only the timestamps are moved back
afterwards, so that the plans have a believable past. Plans are made only for regencies whose active MoU is a demo
one, never for Kabupaten Muara Enim (16.03), which is the demo officer's to draft in the browser, and never for a
regency that already has a plan: a second run adds nothing.
"""

import datetime
import io
import random
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import zip_longest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db.models import Count, Max
from django.utils import timezone
from pypdf import PdfWriter
from pypdf.generic import ContentStream, DictionaryObject, NameObject
from simple_history.utils import bulk_create_with_history

from masterplans import services
from masterplans.choices import BimtekStage, FundingSource, Horizon, PlanStatus, ProgressStatus
from masterplans.models import Dimension, MasterPlan, PlanEvent, Programme, ProgressUpdate, SubDimension
from masterplans.schedule import Quarter
from mou.choices import MoUStatus
from mou.models import MoU
from regencies.choices import RegencyKind
from regencies.models import Regency, RegencyMembership
from smartcity import roles

DEMO_OFFICER_REGENCY = "16.03"  # the demo officer drafts Muara Enim's plan in the browser: never seeded
MAKASSAR = "73.71"
DOCUMENT_FOLDER = "masterplans/demo"
DEMO_NOTE = "Data demo yang dibuat oleh seed_demo untuk peragaan portal, bukan rencana induk sungguhan."

Q, S, M, L = Horizon.QUICK_WIN, Horizon.SHORT, Horizon.MEDIUM, Horizon.LONG
APBD, APBN, KPBU, CSR = FundingSource.APBD, FundingSource.APBN, FundingSource.KPBU, FundingSource.CSR

# Programmes a plan picks from, per dimension code: name, sub-dimension code, horizon, funding, agency (OPD),
# description. Each dimension has one quick win.
PROGRAMMES = {
    "governance": [
        (
            "Aplikasi Pengaduan Masyarakat Terpadu (SP4N-LAPOR!)",
            "public-services",
            Q,
            APBD,
            "Dinas Komunikasi dan Informatika",
            "Satu kanal pengaduan warga yang terhubung ke seluruh OPD, dengan waktu tanggap yang dipantau.",
        ),
        (
            "Mal Pelayanan Publik Digital",
            "public-services",
            M,
            APBD,
            "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
            "Perizinan dan layanan administrasi kependudukan dalam satu portal dan satu gedung layanan.",
        ),
        (
            "Command Center dan Dasbor Pimpinan Daerah",
            "public-policy",
            M,
            APBD,
            "Dinas Komunikasi dan Informatika",
            "Pusat pemantauan yang memadukan CCTV, pengaduan dan data layanan untuk pengambilan keputusan.",
        ),
        (
            "Satu Data Daerah",
            "public-policy",
            L,
            APBD,
            "Badan Perencanaan Pembangunan Daerah",
            "Portal data terbuka dan tata kelola data statistik sektoral antar-OPD.",
        ),
        (
            "E-Office dan Tanda Tangan Elektronik",
            "bureaucratic-management",
            S,
            APBD,
            "Dinas Komunikasi dan Informatika",
            "Naskah dinas elektronik dengan tanda tangan elektronik tersertifikasi.",
        ),
        (
            "E-Planning dan E-Budgeting Terintegrasi",
            "bureaucratic-management",
            S,
            APBD,
            "Badan Keuangan dan Aset Daerah",
            "Perencanaan dan penganggaran daerah dalam satu sistem, dari musrenbang sampai APBD.",
        ),
    ],
    "branding": [
        (
            "Portal Pariwisata dan Kalender Acara Digital",
            "tourism",
            Q,
            APBD,
            "Dinas Pariwisata",
            "Informasi destinasi, akomodasi dan agenda budaya dalam satu portal dua bahasa.",
        ),
        (
            "Wisata Virtual Cagar Budaya",
            "tourism",
            S,
            CSR,
            "Dinas Kebudayaan",
            "Tur virtual dan pemindaian 3D situs cagar budaya bersama mitra swasta.",
        ),
        (
            "Digitalisasi Produk Unggulan Daerah dan UMKM",
            "business",
            M,
            APBD,
            "Dinas Koperasi dan Usaha Mikro",
            "Pendampingan UMKM masuk lokapasar dan katalog produk unggulan daerah.",
        ),
        (
            "Papan Informasi Digital dan Penataan Wajah Kota",
            "city-appearance",
            M,
            KPBU,
            "Dinas Pekerjaan Umum dan Penataan Ruang",
            "Papan informasi digital di simpul keramaian dan penataan koridor utama.",
        ),
        (
            "Identitas Visual dan Branding Daerah",
            "city-appearance",
            S,
            APBD,
            "Dinas Komunikasi dan Informatika",
            "Logo, slogan dan panduan identitas visual daerah untuk promosi bersama.",
        ),
    ],
    "economy": [
        (
            "Retribusi Pasar Nontunai (QRIS)",
            "financial-ecosystem",
            Q,
            APBD,
            "Dinas Perdagangan",
            "Pembayaran retribusi pedagang pasar rakyat dengan QRIS dan rekening bank daerah.",
        ),
        (
            "Elektronifikasi Transaksi Pemerintah Daerah",
            "financial-ecosystem",
            S,
            APBD,
            "Badan Pendapatan Daerah",
            "Pajak dan retribusi daerah dibayar dan dilaporkan secara elektronik.",
        ),
        (
            "Inkubator Bisnis dan Usaha Rintisan Digital",
            "industry",
            M,
            CSR,
            "Dinas Perindustrian",
            "Ruang kerja bersama, mentor dan akses permodalan bagi usaha rintisan lokal.",
        ),
        (
            "Sistem Informasi Harga dan Stok Pangan",
            "welfare",
            S,
            APBN,
            "Dinas Ketahanan Pangan",
            "Harga harian bahan pokok di pasar daerah, terbuka untuk warga dan pedagang.",
        ),
        (
            "Data Terpadu Kesejahteraan Sosial",
            "welfare",
            M,
            APBN,
            "Dinas Sosial",
            "Pemutakhiran data penerima bantuan sosial yang terhubung dengan data kependudukan.",
        ),
    ],
    "living": [
        (
            "Antrean Daring Rumah Sakit Umum Daerah",
            "health",
            Q,
            APBD,
            "Rumah Sakit Umum Daerah",
            "Pendaftaran dan antrean poliklinik dari ponsel untuk mengurangi waktu tunggu.",
        ),
        (
            "Telemedisin dan Rekam Medis Elektronik Puskesmas",
            "health",
            M,
            APBN,
            "Dinas Kesehatan",
            "Rekam medis elektronik di semua puskesmas dan konsultasi jarak jauh dengan rumah sakit rujukan.",
        ),
        (
            "Sistem Pengendalian Lalu Lintas Terpadu (ATCS)",
            "transport",
            L,
            APBN,
            "Dinas Perhubungan",
            "Lampu lalu lintas adaptif dan kamera pemantau di simpang padat.",
        ),
        (
            "Angkutan Umum Terintegrasi dan Tiket Elektronik",
            "transport",
            L,
            KPBU,
            "Dinas Perhubungan",
            "Rute angkutan umum yang terhubung dengan pembayaran tiket elektronik.",
        ),
        (
            "Sistem Informasi Tata Ruang Daring",
            "spatial-planning",
            S,
            APBD,
            "Dinas Pekerjaan Umum dan Penataan Ruang",
            "Peta rencana tata ruang dan kesesuaian pemanfaatan ruang yang bisa dibuka warga.",
        ),
    ],
    "society": [
        (
            "Wi-Fi Publik di Taman dan Ruang Terbuka",
            "community",
            Q,
            CSR,
            "Dinas Komunikasi dan Informatika",
            "Titik akses internet gratis di taman, alun-alun dan balai warga bersama operator seluler.",
        ),
        (
            "Gerakan Literasi Digital Masyarakat",
            "learning",
            S,
            APBD,
            "Dinas Komunikasi dan Informatika",
            "Pelatihan keamanan digital dan cek fakta bagi pelajar, guru dan kader kelurahan.",
        ),
        (
            "Perpustakaan Digital Daerah",
            "learning",
            M,
            APBD,
            "Dinas Perpustakaan dan Kearsipan",
            "Koleksi buku elektronik dan pojok baca digital di sekolah dan kecamatan.",
        ),
        (
            "CCTV Lingkungan dan Layanan Darurat 112",
            "security",
            M,
            APBD,
            "Satuan Polisi Pamong Praja",
            "Satu nomor darurat yang terhubung ke pemadam kebakaran, ambulans dan kepolisian.",
        ),
        (
            "Aplikasi Partisipasi Warga dan Musrenbang Daring",
            "community",
            S,
            APBD,
            "Badan Perencanaan Pembangunan Daerah",
            "Usulan warga untuk musrenbang kelurahan dan kecamatan dikumpulkan dan dipantau secara daring.",
        ),
    ],
    "environment": [
        (
            "Bank Sampah Digital",
            "waste",
            Q,
            CSR,
            "Dinas Lingkungan Hidup",
            "Pencatatan tabungan sampah warga dan penjemputan terjadwal lewat aplikasi.",
        ),
        (
            "Pemantauan Kualitas Udara dan Air Daring",
            "environmental-protection",
            M,
            APBN,
            "Dinas Lingkungan Hidup",
            "Sensor kualitas udara dan air sungai dengan data yang terbuka untuk publik.",
        ),
        (
            "Sistem Peringatan Dini Banjir",
            "environmental-protection",
            L,
            APBN,
            "Badan Penanggulangan Bencana Daerah",
            "Sensor tinggi muka air dan sirene peringatan di daerah aliran sungai rawan banjir.",
        ),
        (
            "Penerangan Jalan Umum Cerdas Hemat Energi",
            "energy",
            L,
            KPBU,
            "Dinas Perhubungan",
            "Lampu jalan LED yang dipantau dan diredupkan dari pusat kendali.",
        ),
        (
            "Panel Surya Atap Gedung Pemerintah",
            "energy",
            M,
            KPBU,
            "Dinas Pekerjaan Umum dan Penataan Ruang",
            "Pembangkit listrik tenaga surya di atap kantor pemerintah daerah.",
        ),
    ],
}

# Rupiah bounds per horizon, in millions; budgets are whole multiples of Rp25 juta.
BUDGET_MILLIONS = {Q: (150, 900), S: (500, 3_000), M: (1_500, 12_000), L: (4_000, 40_000)}
DELAY_NOTES = [
    "Pengadaan perangkat mundur; kontrak baru ditandatangani triwulan ini.",
    "Menunggu penyesuaian anggaran pada APBD Perubahan.",
    "Integrasi dengan aplikasi kementerian masih dalam uji coba.",
    "Tenaga teknis terbatas; pelatihan operator dijadwalkan ulang.",
]
REPORTED_NOTES = ["", "", "Sesuai rencana kerja triwulan.", "", "Uji coba layanan berjalan di dua kecamatan."]


@dataclass
class Step:
    """One workflow step: ``action`` is create, edit, submit, take_up, revise, approve or new_version."""

    action: str
    when: datetime.datetime
    comment: str = ""


@dataclass
class Scenario:
    """A regency's plan history. ``cohort`` picks a demo member of that year; ``code`` names the regency."""

    status: str
    start: int
    end: int
    steps: list
    cohort: int | None = None
    code: str | None = None
    document: bool = True
    new_period: tuple | None = None  # (start, end) of a new version begun by a new_version step
    cancels_programme: bool = False  # one medium-term programme is stopped part-way


@dataclass
class Seeded:
    """What a scenario made, for timestamps and progress."""

    plans: list = field(default_factory=list)
    approved_at: dict = field(default_factory=dict)  # plan pk -> when approved
    superseded_at: dict = field(default_factory=dict)  # plan pk -> when superseded


def at(year, month, day, hour=10, minute=0):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def scenarios(now):
    """The demo plans, oldest cohort first: the early members have approved plans, later ones are in review."""

    def ago(days, hour=10, minute=0):
        return (timezone.localtime(now) - datetime.timedelta(days=days)).replace(
            hour=hour, minute=minute, second=0, microsecond=0
        )

    return [
        # Kota Makassar: approved before its period began, reporting ever since (demo-officer-makassar's plan).
        Scenario(
            PlanStatus.APPROVED,
            2021,
            2030,
            code=MAKASSAR,
            steps=[
                Step("create", at(2020, 8, 10, 9, 15)),
                Step("submit", at(2020, 10, 20, 14, 5), "Dokumen final telah ditandatangani Sekretaris Daerah."),
                Step("take_up", at(2020, 10, 26, 9, 40)),
                Step(
                    "approve",
                    at(2020, 12, 14, 15, 30),
                    "Sesuai panduan Gerakan Menuju 100 Smart City; quick win dapat segera dilaksanakan.",
                ),
            ],
        ),
        # Version 1 sent back once, approved, then replaced by version 2 for the next period.
        Scenario(
            PlanStatus.APPROVED,
            2018,
            2022,
            cohort=2017,
            new_period=(2023, 2027),
            steps=[
                Step("create", at(2017, 10, 2, 8, 50)),
                Step("submit", at(2017, 12, 4, 13, 20)),
                Step("take_up", at(2017, 12, 8, 10, 10)),
                Step(
                    "revise",
                    at(2017, 12, 20, 16, 0),
                    "Lampirkan ringkasan analisis kesiapan daerah (bimtek tahap I) dan rinci sumber pendanaan KPBU "
                    "pada program Smart Living.",
                ),
                Step("edit", at(2018, 1, 12, 11, 0)),
                Step("submit", at(2018, 1, 15, 9, 30), "Sudah diperbaiki sesuai catatan."),
                Step("take_up", at(2018, 1, 17, 10, 0)),
                Step("approve", at(2018, 2, 5, 14, 45), "Disetujui. Perbaikan sudah lengkap."),
                Step("new_version", at(2022, 8, 1, 9, 0)),
                Step("edit", at(2022, 9, 26, 15, 20)),
                Step("submit", at(2022, 10, 3, 10, 25), "Revisi untuk periode 2023-2027 sesuai RPJMD baru."),
                Step("take_up", at(2022, 10, 10, 9, 5)),
                Step(
                    "approve",
                    at(2022, 11, 21, 13, 10),
                    "Disetujui sebagai pengganti versi 1 mulai 2023.",
                ),
            ],
        ),
        # Approved, with a programme cancelled on the way.
        Scenario(
            PlanStatus.APPROVED,
            2020,
            2027,
            cohort=2018,
            cancels_programme=True,
            steps=[
                Step("create", at(2019, 6, 3, 10, 30)),
                Step("submit", at(2019, 8, 12, 15, 0)),
                Step("take_up", at(2019, 8, 19, 8, 45)),
                Step("approve", at(2019, 9, 9, 11, 20), "Disetujui. Mohon laporan triwulan dikirim tepat waktu."),
            ],
        ),
        # Sent back long ago and not yet resubmitted.
        Scenario(
            PlanStatus.REVISION_REQUESTED,
            2026,
            2030,
            cohort=2017,
            steps=[
                Step("create", ago(205, 9, 0)),
                Step("submit", ago(150, 14, 10)),
                Step("take_up", ago(141, 10, 0)),
                Step(
                    "revise",
                    ago(130, 16, 30),
                    "Periode rencana belum selaras dengan RPJMD; sesuaikan tahun program Smart Living dan lengkapi "
                    "rujukan Renstra OPD.",
                ),
            ],
        ),
        Scenario(
            PlanStatus.IN_REVIEW,
            2027,
            2031,
            cohort=2018,
            steps=[
                Step("create", ago(95, 11, 0)),
                Step("submit", ago(38, 9, 20)),
                Step("take_up", ago(30, 13, 0)),
            ],
        ),
        Scenario(
            PlanStatus.REVISION_REQUESTED,
            2027,
            2033,
            cohort=2018,
            steps=[
                Step("create", ago(120, 10, 0)),
                Step("submit", ago(62, 15, 45)),
                Step("take_up", ago(55, 9, 10)),
                Step(
                    "revise",
                    ago(44, 14, 0),
                    "Anggaran program Smart Environment belum dirinci per tahun dan quick win belum punya indikator "
                    "keberhasilan. Mohon lengkapi tabel program dan unggah ulang dokumen yang sudah ditandatangani.",
                ),
            ],
        ),
        # A complete draft, ready to submit.
        Scenario(PlanStatus.DRAFT, 2027, 2031, cohort=2018, steps=[Step("create", ago(6, 10, 30))]),
        Scenario(
            PlanStatus.SUBMITTED,
            2027,
            2031,
            cohort=2019,
            steps=[Step("create", ago(40, 9, 0)), Step("submit", ago(2, 16, 15))],
        ),
        Scenario(
            PlanStatus.SUBMITTED,
            2027,
            2036,
            cohort=2019,
            steps=[Step("create", ago(50, 10, 0)), Step("submit", ago(9, 11, 30))],
        ),
        # Sent back once, then submitted again three weeks ago.
        Scenario(
            PlanStatus.SUBMITTED,
            2027,
            2032,
            cohort=2019,
            steps=[
                Step("create", ago(150, 9, 30)),
                Step("submit", ago(80, 14, 0)),
                Step("take_up", ago(74, 10, 15)),
                Step(
                    "revise",
                    ago(66, 15, 0),
                    "Dimensi Smart Branding perlu rencana promosi yang lebih jelas; rinci juga pendanaan CSR.",
                ),
                Step("edit", ago(30, 10, 0)),
                Step("submit", ago(23, 8, 45), "Sudah kami lengkapi sesuai catatan reviewer."),
            ],
        ),
        Scenario(
            PlanStatus.IN_REVIEW,
            2027,
            2032,
            cohort=2019,
            steps=[Step("create", ago(70, 13, 0)), Step("submit", ago(16, 10, 40)), Step("take_up", ago(11, 9, 0))],
        ),
        # Just started: no main document yet, so the page lists what is still missing.
        Scenario(PlanStatus.DRAFT, 2027, 2031, cohort=2019, document=False, steps=[Step("create", ago(3, 14, 20))]),
    ]


def demo_pdf(lines):
    """A one-page PDF that says what it is, so a downloaded demo document is plainly not a real plan."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    operations = [b"BT", b"/F1 13 Tf", b"18 TL", b"56 780 Td"]
    for line in lines:
        text = line.encode("cp1252", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        operations.append(b"(" + text + b") '")
    operations.append(b"ET")
    content = ContentStream(None, writer)
    content.set_data(b"\n".join(operations))
    page.replace_contents(content)
    writer.add_metadata({"/Title": f"DEMO: {lines[1]}", "/Subject": DEMO_NOTE})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def place_name(regency):
    return regency.name.removeprefix("Kabupaten ").removeprefix("Kota Administrasi ").removeprefix("Kota ")


class PlanSeeder:
    def __init__(self, now=None):
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        self.reviewer = get_user_model().objects.get(username="demo-reviewer")
        self.dimensions = list(Dimension.objects.all())
        self.sub_dimensions = {(s.dimension_id, s.code): s for s in SubDimension.objects.all()}
        self.created = []
        self.progress_count = 0
        self.plan_history = MasterPlan.history.model
        self.programme_history = Programme.history.model

    # Which regency plays which scenario -------------------------------------------------------------------------

    def cast(self, all_scenarios):
        """Pair each scenario with a regency, the same on every run: demo members of its cohort in a fixed
        shuffle, cities and regencies in turn. Members are drawn whatever their plans or MoU status, so an earlier
        run does not shift the draw. Jakarta's administrative cities are left out: DKI plans for them."""
        pools = {}
        rows = (
            MoU.objects.filter(is_demo=True)
            .exclude(regency__code__in=[DEMO_OFFICER_REGENCY, MAKASSAR])
            .exclude(regency__name__contains="Administrasi")
            .values_list("cohort__year", "regency__kind", "regency__code")
            .distinct()
        )
        for year, kind, code in sorted(rows):
            pools.setdefault(year, {}).setdefault(kind, []).append(code)
        for year, kinds in pools.items():
            rng = random.Random(f"demo-plans-{year}")
            cities, regencies = kinds.get(RegencyKind.KOTA, []), kinds.get(RegencyKind.KABUPATEN, [])
            rng.shuffle(cities)
            rng.shuffle(regencies)
            pools[year] = [code for pair in zip_longest(cities, regencies) for code in pair if code]
        cast = []
        for scenario in all_scenarios:
            code = scenario.code or (pools.get(scenario.cohort) or [None]).pop(0)
            if code:
                cast.append((scenario, code))
        regencies = Regency.objects.in_bulk([code for _, code in cast], field_name="code")
        return [(scenario, regencies[code]) for scenario, code in cast if code in regencies]

    def playable(self, regency):
        """A regency gets demo plans only with an active demo MoU, no real one, and no plan of any kind yet."""
        if regency.code == DEMO_OFFICER_REGENCY or regency.plans.exists():
            return False
        mous = list(MoU.objects.filter(regency=regency, status=MoUStatus.ACTIVE).values_list("is_demo", flat=True))
        return mous == [True]

    def officer(self, regency):
        """The regency's demo officer: demo-officer-makassar for Makassar, otherwise an account made for the demo
        that cannot sign in and has no email address (so nothing is ever sent to it)."""
        User = get_user_model()
        if regency.code == MAKASSAR:
            return User.objects.get(username="demo-officer-makassar")
        user, created = User.objects.get_or_create(
            username=f"demo-officer-{regency.slug}"[:150],
            defaults={"first_name": "Demo", "last_name": f"Petugas {place_name(regency)}"},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.set(Group.objects.filter(name__in=[roles.REGENCY_OFFICER, roles.DEMO_ACCOUNTS]))
        RegencyMembership.objects.get_or_create(user=user, regency=regency)
        return user

    # Running the scenarios --------------------------------------------------------------------------------------

    def run(self):
        for scenario, regency in self.cast(scenarios(self.now)):
            if self.playable(regency):
                self.play(scenario, regency, self.officer(regency))
        return self.created

    def marks(self):
        return (
            PlanEvent.objects.aggregate(m=Max("pk"))["m"] or 0,
            self.plan_history.objects.aggregate(m=Max("history_id"))["m"] or 0,
            self.programme_history.objects.aggregate(m=Max("history_id"))["m"] or 0,
        )

    def backdate(self, marks, when, actor):
        """Move what the last step recorded to the moment the scenario gives it."""
        event_mark, plan_mark, programme_mark = marks
        PlanEvent.objects.filter(pk__gt=event_mark).update(created_at=when)
        self.plan_history.objects.filter(history_id__gt=plan_mark).update(history_date=when, history_user=actor)
        self.programme_history.objects.filter(history_id__gt=programme_mark).update(
            history_date=when, history_user=actor
        )

    def play(self, scenario, regency, officer):
        rng = random.Random(f"demo-plan-{regency.code}")
        seeded = Seeded()
        plan = None
        times = {}  # plan pk -> {"created": ..., "submitted": ..., "decided": ..., "updated": ...}
        for step in scenario.steps:
            marks = self.marks()
            actor = officer
            if step.action == "create":
                plan = self.create(scenario, regency, officer, rng)
                times[plan.pk] = {"created": step.when}
            elif step.action == "edit":
                self.edit(plan, scenario, officer, rng)
            elif step.action == "submit":
                services.submit(plan.pk, officer, step.comment)
                times[plan.pk]["submitted"] = step.when
            elif step.action == "take_up":
                actor = self.reviewer
                services.take_up(plan.pk, self.reviewer)
            elif step.action == "revise":
                actor = self.reviewer
                services.request_revision(plan.pk, self.reviewer, step.comment)
                times[plan.pk]["decided"] = step.when
            elif step.action == "approve":
                actor = self.reviewer
                for earlier in seeded.plans:
                    if earlier.pk != plan.pk and earlier.pk in seeded.approved_at:
                        seeded.superseded_at.setdefault(earlier.pk, step.when)
                        times[earlier.pk]["updated"] = step.when
                services.approve(plan.pk, self.reviewer, step.comment)
                times[plan.pk]["decided"] = seeded.approved_at[plan.pk] = step.when
            elif step.action == "new_version":
                plan = services.start_new_version(plan.pk, officer)
                times[plan.pk] = {"created": step.when}
            else:
                raise ValueError(f"Unknown demo step {step.action!r}")
            if plan not in seeded.plans:
                seeded.plans.append(plan)
            times[plan.pk]["updated"] = step.when
            self.backdate(marks, step.when, actor)
        for pk, moments in times.items():
            self.finish(pk, moments, regency, pk in seeded.approved_at)
        plans = list(MasterPlan.objects.filter(pk__in=[p.pk for p in seeded.plans]).order_by("version"))
        final = plans[-1]
        if final.status != scenario.status:
            raise RuntimeError(f"Demo plan of {regency.code} ended {final.status}, expected {scenario.status}.")
        for seeded_plan in plans:
            if seeded_plan.pk in seeded.approved_at:
                superseded_at = seeded.superseded_at.get(seeded_plan.pk)
                self.report_progress(seeded_plan, superseded_at, scenario.cancels_programme, officer, rng)
        self.created.extend(plans)

    def finish(self, pk, moments, regency, approved):
        """The plan's own timestamps, to match its events; an approved plan gets its (demo) regulation number."""
        changes = {
            "is_demo": True,
            "created_at": moments["created"],
            "updated_at": moments["updated"],
            "submitted_at": moments.get("submitted"),
            "decided_at": moments.get("decided"),
        }
        if approved:
            kind = "Perwali" if regency.kind == RegencyKind.KOTA else "Perbup"
            changes["regulation_number"] = f"DEMO/{kind}/{moments['decided'].year}/{regency.code}"
        MasterPlan.objects.filter(pk=pk).update(**changes)
        Programme.objects.filter(plan_id=pk).update(created_at=moments["created"])

    # The plan's content -----------------------------------------------------------------------------------------

    def document(self, regency, version, title):
        """A small PDF under a fixed name, written once: a second run (or another plan version) reuses it."""
        storage = MasterPlan._meta.get_field("main_document").storage
        name = f"{DOCUMENT_FOLDER}/{regency.code}-v{version}.pdf"
        if not storage.exists(name):
            lines = [
                "DEMO - bukan dokumen sungguhan / not a real document",
                title,
                f"{regency.name}, versi {version}",
                "Dokumen contoh yang dibuat oleh seed_demo untuk peragaan portal.",
                "Generated by seed_demo to demonstrate the portal.",
            ]
            name = storage.save(name, ContentFile(demo_pdf(lines)))
        return name

    def plan_fields(self, regency, start, end, version):
        place = place_name(regency)
        rpjmd_start = start - (start - 2016) % 5
        agencies = "Diskominfo, Bappeda, Dinas Perhubungan, Dinas Kesehatan dan Dinas Lingkungan Hidup"
        title = f"Masterplan Smart City {regency.name} {start}–{end}"
        revision = f" (revisi, versi {version})" if version > 1 else ""
        summary = (
            f"Rencana induk smart city {regency.name} untuk {start}–{end}{revision}: pelayanan publik yang cepat dan "
            f"terintegrasi, ekonomi daerah yang tumbuh lewat transaksi nontunai dan UMKM digital, serta lingkungan "
            f"{place} yang bersih dan tangguh bencana. Disusun bersama OPD dalam bimbingan teknis Gerakan Menuju "
            f"100 Smart City.\n\n{DEMO_NOTE}"
        )
        return {
            "title": title,
            "summary": summary,
            "rpjmd_reference": (
                f"RPJMD {regency.name} {rpjmd_start}–{rpjmd_start + 4}, misi tata kelola pemerintahan berbasis "
                "digital (data demo)"
            ),
            "renstra_reference": f"Renstra OPD {rpjmd_start}–{rpjmd_start + 4}: {agencies} (data demo)",
        }

    def create(self, scenario, regency, officer, rng):
        fields = self.plan_fields(regency, scenario.start, scenario.end, 1)
        plan = MasterPlan(regency=regency, start_year=scenario.start, end_year=scenario.end, **fields)
        if scenario.document:
            plan.main_document.name = self.document(regency, 1, fields["title"])
        plan = services.create_draft(officer, plan)
        if not plan.mou.is_demo:  # playable() checked this; never seed a plan on a real MoU
            raise RuntimeError(f"{regency.code} has a real MoU.")
        programmes = self.programmes(plan, rng)
        bulk_create_with_history(programmes, Programme, default_user=officer)
        return plan

    def programmes(self, plan, rng):
        """Two or three programmes in every dimension, at least one of them a quick win."""
        programmes = []
        extra = set(rng.sample(range(len(self.dimensions)), k=min(2, len(self.dimensions))))
        for index, dimension in enumerate(self.dimensions):
            candidates = PROGRAMMES.get(dimension.code) or [
                (f"Program Unggulan {dimension.name_id}", "", M, APBD, "Dinas Komunikasi dan Informatika", ""),
                (f"Percepatan {dimension.name_id}", "", Q, APBD, "Badan Perencanaan Pembangunan Daerah", ""),
            ]
            picked = rng.sample(candidates, k=min(len(candidates), 3 if index in extra else 2))
            for name, sub_code, horizon, funding, agency, description in picked:
                programmes.append(
                    self.programme(plan, dimension, name, sub_code, horizon, funding, agency, description, rng)
                )
        if not any(programme.counts_as_quick_win for programme in programmes):
            first = programmes[0]
            first.horizon, first.is_quick_win, first.end_year = Q, True, first.start_year
            first.budget = min(first.budget, BUDGET_MILLIONS[Q][1] * 1_000_000)
        for programme in programmes:
            programme.clean()
        return programmes

    def programme(self, plan, dimension, name, sub_code, horizon, funding, agency, description, rng):
        """Quick wins in the first year; short and medium-term programmes staged over the period; long-term ones
        run to its end."""
        start, end = plan.start_year, plan.end_year
        length = end - start + 1
        if horizon == Q:
            years = (start, start)
        elif horizon == S:
            first = start + rng.randrange(0, max(1, length // 2))
            years = (first, min(end, first + 1))
        elif horizon == M:
            first = start + rng.randrange(0, max(1, length - 3))
            years = (first, min(end, first + rng.choice([2, 3, 4])))
        else:
            years = (start + rng.choice([0, 0, 1]), end)
        low, high = BUDGET_MILLIONS[horizon]
        return Programme(
            plan=plan,
            dimension=dimension,
            sub_dimension=self.sub_dimensions.get((dimension.pk, sub_code)),
            name=name,
            description=description,
            horizon=horizon,
            is_quick_win=horizon == Q,
            start_year=years[0],
            end_year=years[1],
            budget=rng.randrange(low, high + 1, 25) * 1_000_000,
            funding_source=funding,
            agency=agency,
            bimtek_stage=BimtekStage.IMPLEMENTATION if horizon == Q else rng.choice([2, 3]),
        )

    def edit(self, plan, scenario, officer, rng):
        """What an officer changes between versions or after a revision request, through the editing service."""
        if plan.version > 1 and scenario.new_period:
            start, end = scenario.new_period
            fields = self.plan_fields(plan.regency, start, end, plan.version)
            with services.editing(officer, plan.pk) as locked:
                for name, value in fields.items():
                    setattr(locked, name, value)
                locked.start_year, locked.end_year = start, end
                locked.main_document.name = self.document(locked.regency, locked.version, fields["title"])
                locked.full_clean()
                locked.save()
            # Long-term programmes carry on into the new period; the rest gave way to a new selection.
            kept = []
            for programme in plan.programmes.order_by("pk"):
                if programme.horizon == L:
                    programme.start_year, programme.end_year = start, end
                    programme.budget = programme.budget * 11 // 10 // 1_000_000 * 1_000_000  # the new period's prices
                    services.save_programme(officer, programme)
                    kept.append(programme.name)
                else:
                    services.delete_programme(officer, programme)
            locked.refresh_from_db()
            fresh = [programme for programme in self.programmes(locked, rng) if programme.name not in kept]
            bulk_create_with_history(fresh, Programme, default_user=officer)
        else:
            with services.editing(officer, plan.pk) as locked:
                locked.summary = locked.summary.replace(
                    f"\n\n{DEMO_NOTE}", "\n\nDiperbaiki sesuai catatan reviewer.\n\n" + DEMO_NOTE
                )
                locked.full_clean()
                locked.save()

    # Progress ---------------------------------------------------------------------------------------------------

    def report_progress(self, plan, superseded_at, cancels_programme, officer, rng):
        """An update per programme per quarter from the plan's start to the last quarter that ended before today
        (or before the plan was replaced); a few programmes have not reported the latest quarter yet."""
        last = Quarter.containing(timezone.localdate(superseded_at) if superseded_at else self.today).previous()
        last = min(last, Quarter(plan.end_year, 4))
        first = Quarter(plan.start_year, 1)
        if last < first:
            return
        quarters = []
        quarter = first
        while quarter <= last:
            quarters.append(quarter)
            quarter = quarter.next()
        programmes = list(plan.programmes.order_by("pk"))
        late = set() if superseded_at else {p.pk for p in rng.sample(programmes, k=min(3, len(programmes) - 1))}
        medium = [programme.pk for programme in programmes if programme.horizon == M]
        cancelled = medium[0] if cancels_programme and medium else None
        reported_at = {}  # a few days after each quarter ends, but never later than now
        for quarter in quarters:
            day = quarter.end + datetime.timedelta(days=rng.randint(4, 13))
            moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(8, 15), 30)))
            reported_at[quarter] = min(moment, self.now - datetime.timedelta(hours=1))
        updates = []
        for programme in programmes:
            pace = Decimal(rng.choice(["0.78", "0.85", "0.92", "1.00", "1.00", "1.05"]))
            spend_rate = Decimal(rng.choice(["0.88", "0.93", "0.97"]))
            stop_at = None
            total = (programme.end_year - programme.start_year + 1) * 4
            if programme.pk == cancelled:
                stop_at = max(2, total * 2 // 5)
            for quarter in quarters:
                if quarter == last and programme.pk in late:
                    continue
                update = self.update(programme, quarter, total, pace, spend_rate, stop_at, officer, rng)
                update.clean()
                update._history_date = reported_at[quarter]  # read by bulk_create_with_history
                updates.append(update)
        bulk_create_with_history(updates, ProgressUpdate, default_user=officer)
        for quarter, reported in reported_at.items():  # auto_now fields: moved back with one UPDATE per quarter
            ProgressUpdate.objects.filter(programme__plan=plan, year=quarter.year, quarter=quarter.quarter).update(
                created_at=reported, updated_at=reported
            )
        self.progress_count += len(updates)

    def update(self, programme, quarter, total, pace, spend_rate, stop_at, officer, rng):
        """Cumulative figures of ``programme`` at the end of ``quarter``."""
        elapsed = (quarter.year - programme.start_year) * 4 + quarter.quarter
        note = ""
        if elapsed <= 0:
            physical, status = Decimal(0), ProgressStatus.ON_TRACK
            note = f"Belum dimulai; dijadwalkan mulai {programme.start_year}."
        else:
            counted = min(elapsed, stop_at) if stop_at else elapsed
            planned = min(Decimal(100), Decimal(100) * elapsed / total)
            physical = min(Decimal(100), Decimal(100) * counted / total * pace).quantize(Decimal("0.01"))
            if stop_at and elapsed > stop_at:
                status, note = ProgressStatus.CANCELLED, "Dihentikan: digantikan layanan serupa dari kementerian."
            elif physical >= 100:
                status, note = ProgressStatus.COMPLETED, "Selesai; kini dalam tahap pemeliharaan."
            elif planned - physical >= 10:
                status, note = ProgressStatus.DELAYED, rng.choice(DELAY_NOTES)
            else:
                status, note = ProgressStatus.ON_TRACK, rng.choice(REPORTED_NOTES)
        spent = int(programme.budget * min(Decimal(1), physical / 100 * spend_rate)) // 1000 * 1000
        return ProgressUpdate(
            programme=programme,
            year=quarter.year,
            quarter=quarter.quarter,
            physical_percent=physical,
            spent=spent,
            status=status,
            note=note,
            reported_by=officer,
        )


def seed_plans(now=None):
    """Make the demo plans that are missing; returns (plans created, progress updates created)."""
    seeder = PlanSeeder(now)
    created = seeder.run()
    return created, seeder.progress_count


def summary():
    """One line of counts for the console: every demo plan by status."""
    rows = MasterPlan.objects.filter(is_demo=True).order_by().values("status").annotate(n=Count("pk"))
    counts = {row["status"]: row["n"] for row in rows}
    parts = [f"{status.value.replace('_', ' ')} {counts.get(status.value, 0)}" for status in PlanStatus]
    return sum(counts.values()), ", ".join(parts)
