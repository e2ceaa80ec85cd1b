from django import template

from smartcity.dashboards.charts import GEOMETRY

register = template.Library()


def export_query(context, slug):
    """The page's own query with ``export=<slug>``: the link to the same table, with the same filters, as CSV."""
    request = context.get("request")
    if request is None:
        return ""
    query = request.GET.copy()
    query["export"] = slug
    return query.urlencode()


@register.inclusion_tag("dashboards/charts/bar_chart.html", takes_context=True)
def bar_chart(context, chart):
    """A bar chart with its data table (the text alternative) and a link to the same table as CSV."""
    return {
        "chart": chart,
        "section": chart.section,
        "rows": list(chart.section.rendered()),
        "geometry": GEOMETRY,
        "csv_query": export_query(context, chart.slug),
    }


@register.inclusion_tag("dashboards/charts/table.html", takes_context=True)
def data_table(context, section, limit=None):
    """A section as a table, with a link to it as CSV; with ``limit``, its first rows and how many more the CSV
    holds."""
    rows = list(section.rendered())
    return {
        "section": section,
        "rows": rows[:limit] if limit else rows,
        "more": max(0, len(rows) - limit) if limit else 0,
        "csv_query": export_query(context, section.slug),
    }
