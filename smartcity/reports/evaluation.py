"""A published evaluation round's results as a titled table in the active language (the public overview shows it,
and ``?export=evaluation`` downloads it), and as PDF and XLSX files in either language."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from smartcity.evaluation import results
from smartcity.reports.files import sections_pdf, sections_xlsx
from smartcity.reports.sections import NUMBER, SCORE, Column, Section


def results_section(round_, scores):
    """The round's achievement index per member, best first, with its parts and ranks; ``round_`` may be None (no
    round published), giving an empty table that says so."""
    parts = results.part_list(round_) if round_ else []
    if round_ is None:
        title = _("Achievement index")
    elif round_.is_demo:
        title = _("Achievement index %(year)s (demo data)") % {"year": round_.year}
    else:
        title = _("Achievement index %(year)s") % {"year": round_.year}
    return Section(
        "evaluation",
        title,
        [Column(_("Regency/city")), Column(_("Code")), Column(_("Province")), Column(_("Cohort"))]
        + [Column(_("Rank"), NUMBER), Column(_("Index"), SCORE)]
        + [Column(f"{part.get_kind_display()} ({part.weight}%)", SCORE) for part in parts]
        + [Column(_("Rank in cohort"), NUMBER), Column(_("Rank in province"), NUMBER)]
        + [Column(_("Change from last year"), SCORE)],
        [
            [score.assessment.regency.name, score.assessment.regency.code, score.assessment.regency.province.name]
            + [score.assessment.mou.cohort.label or str(score.assessment.mou.cohort.year), score.rank, score.index]
            + results.part_values(score, parts)
            + [score.cohort_rank, score.province_rank, score.change]
            for score in scores
        ],
        note=(
            _("%(round)s, weighting %(weighting)s: the index is the weighted mean of the parts.")
            % {"round": round_, "weighting": round_.weighting}
            if round_
            else _("No evaluation round had been published by this date.")
        ),
    )


def results_lines(round_):
    """The lines a results file opens with: title, weighting and source, publication, and the demo warning."""
    lines = [
        _("Results of %(round)s: achievement index of the Gerakan Menuju 100 Smart City") % {"round": round_},
        _("Weighting: %(weighting)s. %(source)s") % {"weighting": round_.weighting, "source": round_.weighting.source},
        _("Published on %(day)s") % {"day": formats.date_format(timezone.localtime(round_.published_at), "j F Y")},
    ]
    if round_.is_demo:
        lines.append(_("DEMO: this round is generated demo data; it is not a real evaluation of the programme."))
    return lines


def results_file(round_, format):
    """The round's results as a PDF or XLSX in the active language."""
    section = results_section(round_, results.ranked_scores(round_))
    if format == "pdf":
        return sections_pdf(results_lines(round_), [section], demo=round_.is_demo)
    return sections_xlsx(_("Results"), results_lines(round_), [section])


def progress_section(progress, by_regency=False):
    """Where the members of the latest round stand (``results.round_progress``), by province or by regency/city,
    with a total row; an empty table that says so before the first round."""
    place = _("Regency/city") if by_regency else _("Province")
    columns = [Column(_("Code")), Column(place), Column(_("Members"), NUMBER), Column(_("Draft"), NUMBER)]
    columns += [Column(_("Submitted"), NUMBER), Column(_("Finalised"), NUMBER), Column(_("Mean index"), SCORE)]
    if progress is None:
        return Section("evaluation", _("Yearly evaluation"), columns, [], note=_("No evaluation round has opened yet."))
    round_ = progress["round"]
    code, name = (
        ("regency__code", "regency__name") if by_regency else ("regency__province__code", "regency__province__name")
    )

    def figures(row):
        return [row["members"], row["drafts"], row["submitted"], row["finalised"], row["mean_index"]]

    rows = [[row[code], row[name], *figures(row)] for row in progress["rows"]]
    rows.append(["", _("All"), *figures(progress["totals"])])
    return Section(
        "evaluation",
        _("%(round)s (%(status)s): where the members stand") % {"round": round_, "status": round_.get_status_display()},
        columns,
        rows,
        note=_(
            "The members' assessments as they stand now, whatever the day chosen; the mean index is that of the "
            "finalised members, and it is public only once the round is published."
        ),
    )
