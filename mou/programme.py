"""The programme's real records, from the source article (shared/seed) and the public reports the design cites.

Each record carries its source. ``load_programme`` writes them idempotently, keyed by their natural keys.
"""

import datetime

ARTICLE = (
    "“Muara Enim Ikut Bergabung dalam ‘Gerakan Menuju 100 Smart City’”, BeritaAnda, 8 May 2018 "
    "(shared/seed/gerakan-menuju-100-smart-city-2018.txt)"
)
NEWS = "Public news coverage of the programme, as summarised in the product design (shared/DESIGN.md)"

GOALS = [
    {
        "name": "Gerakan Menuju 100 Smart City",
        "target": 100,
        "deadline_year": 2019,
        "source": f"{ARTICLE}: 25 members in 2017 and 50 in 2018, with 25 more hoped for to reach 100.",
    },
]

COHORTS = [
    {"year": 2017, "target": 25, "label": "Angkatan 2017", "source": f"{ARTICLE}: 25 regencies/cities signed in 2017."},
    {"year": 2018, "target": 50, "label": "Angkatan 2018", "source": f"{ARTICLE}: 50 more signed in 2018, 75 in all."},
    {
        "year": 2019,
        "target": 25,
        "label": "Angkatan 2019",
        "source": f"{ARTICLE}: 25 more were hoped for to reach 100. {NEWS}: 25 signed on 15 May 2019.",
    },
]

EVENTS = [
    {
        "cohort": 2017,
        "date": datetime.date(2017, 5, 22),
        "title": "Peluncuran Gerakan Menuju 100 Smart City dan penandatanganan nota kesepahaman",
        "venue": "",
        "city": "Makassar",
        "note": "22–23 May 2017; 25 chosen from 80 invited.",
        "source": NEWS,
    },
    {
        "cohort": 2018,
        "date": datetime.date(2018, 5, 8),
        "title": "Penandatanganan nota kesepahaman Gerakan Menuju 100 Smart City 2018",
        "venue": "Hotel Redtop Convention Center",
        "city": "Jakarta Pusat",
        "note": "Attended by representatives of 50 regencies/cities; opened by Minister Rudiantara.",
        "source": ARTICLE,
    },
    {
        "cohort": 2019,
        "date": datetime.date(2019, 5, 15),
        "title": "Penandatanganan nota kesepahaman Gerakan Menuju 100 Smart City 2019",
        "venue": "",
        "city": "",
        "note": "25 regencies/cities signed, 100 in all.",
        "source": NEWS,
    },
]

MOUS = [
    {
        "regency": "16.03",
        "cohort": 2018,
        "event": datetime.date(2018, 5, 8),
        "signed_on": datetime.date(2018, 5, 8),
        "regency_signatory_name": "Ir. Muzakir Sai Sohar",
        "regency_signatory_title": "Bupati Muara Enim",
        "note": "Document numbers and the ministry's signatory are not given in the source.",
        "source": ARTICLE,
    },
]
