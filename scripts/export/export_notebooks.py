"""Export executed notebooks to HTML pages with nbconvert's HTMLExporter and the "nsad" template.

Usage (called by scripts/export-site.mjs; needs Debian's /usr/bin/python3, which has nbconvert):
    /usr/bin/python3 scripts/export/export_notebooks.py --out DIR [--drop-solutions] [--edition TEXT]
        NOTEBOOK.ipynb [...]

Writes DIR/<notebook name>.html for each notebook and DIR/assets/jupyterlab.css (JupyterLab's stylesheet, which
nbconvert would otherwise inline into every page); the other shared assets (MathJax, vega, plotly.js, site.js,
site.css) are copied by export-site.mjs. Prints one JSON line per notebook:
{"notebook": ..., "html": ..., "bytes": ..., "image_bytes": ..., "solutions": ...}
(image_bytes: the bytes of the page's own images, data URIs; solutions: solution cells kept).

--drop-solutions (the student site) removes every cell tagged "solution" (the exercises' worked answers, with
their outputs); without it (the instructor site) they stay.

Tested with nbconvert 6.5.3 (Debian 12). Written to work with nbconvert 7 as well (same HTMLExporter traits:
template_name, extra_template_basedirs; same lab template block names), but nbconvert 7 was not testable here.
"""
import argparse
import base64
import json
import math
import os
import re
import sys

import nbformat
from nbconvert import HTMLExporter

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATES = os.path.join(HERE, "templates")


def b64(text):
    if isinstance(text, list):
        text = "".join(text)
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def first_heading(nb):
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip()
    return None


def drop_blank_streams(nb):
    """Remove stream outputs that hold only white space (the line tslab prints for a displayed chart returned as a
    cell's last value): on a course page they would show as empty boxes."""
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = [
                o for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and not "".join(o.get("text", "")).strip())
            ]


SOLUTION_TAG = "solution"


def drop_solutions(nb):
    """Remove the cells tagged "solution" (and so their outputs); returns how many were removed."""
    before = len(nb.cells)
    nb.cells = [c for c in nb.cells if SOLUTION_TAG not in c.get("metadata", {}).get("tags", [])]
    return before - len(nb.cells)


def count_solutions(nb):
    return sum(1 for c in nb.cells if SOLUTION_TAG in c.get("metadata", {}).get("tags", []))


# plotly.js as the library inlines it into the first 3-D figure of a kernel session (src/notebook/plotly.ts); the
# site loads it once from assets/plotly.min.js instead
INLINED_PLOTLY = re.compile(
    r'<script type="text/javascript">/\* plotly\.js \(MIT\), inlined once per kernel session by nonsmooth-ad \*/'
    r".*?</script>\n?",
    re.S,
)


def html_text(output):
    html = output.get("data", {}).get("text/html", "")
    return "".join(html) if isinstance(html, list) else html


def share_plotly(nb):
    """Remove inlined copies of plotly.js from the outputs; returns whether the page has a plotly figure."""
    figures = False
    for cell in nb.cells:
        for o in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            html = html_text(o)
            if 'class="nsad-plotly"' in html:
                figures = True
                o["data"]["text/html"] = INLINED_PLOTLY.sub("", html)
    return figures


VEGALITE = "application/vnd.vegalite.v5+json"


def has_vega(nb):
    return any(VEGALITE in o.get("data", {})
               for c in nb.cells if c.get("cell_type") == "code" for o in c.get("outputs", []))


def _numbers(value):
    """The floats of a data field's value: the value itself, or the items of an array (parallel-array records)."""
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, float) and math.isfinite(v)]


def _rounded(v, span):
    """v to a millionth of the smaller of its field's span and its own size: far below a pixel on a linear axis,
    even zoomed in a thousandfold, and seven significant digits on a log axis."""
    size = min(span, abs(v)) if span > 0 else abs(v)
    if size == 0 or not math.isfinite(v):
        return v
    r = round(v, -math.floor(math.log10(size * 1e-6)))
    return r if math.isfinite(r) else v


def round_data(spec):
    """Round the floats of a vega-lite spec's inline data (data.values and datasets, at any depth) per field, as
    _rounded says: the page's copy of a chart needs no more digits than a screen shows. The notebook keeps the
    full values."""
    def tables(node):
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                yield data["values"]
            for d in (node.get("datasets") or {}).values() if isinstance(node.get("datasets"), dict) else []:
                if isinstance(d, list):
                    yield d
            for k, v in node.items():
                if k not in ("data", "datasets"):
                    yield from tables(v)
        elif isinstance(node, list):
            for v in node:
                yield from tables(v)

    for rows in tables(spec):
        records = [r for r in rows if isinstance(r, dict)]
        fields = {k for r in records for k in r}
        for f in fields:
            nums = [v for r in records if f in r for v in _numbers(r[f])]
            if not nums:
                continue
            span = max(nums) - min(nums)
            for r in records:
                v = r.get(f)
                if isinstance(v, float):
                    r[f] = _rounded(v, span)
                elif isinstance(v, list):
                    r[f] = [_rounded(x, span) if isinstance(x, float) else x for x in v]
    return spec


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _field_ref(name):
    """A column name as a vega-lite field reference: dots, brackets, quotes and backslashes escaped."""
    return re.sub(r"""([.\[\]'"\\])""", r"\\\1", name)


def columnar(rows):
    """Records with the same columns -> one record per combination of their non-numeric values, the numeric columns
    as parallel arrays, and the flatten transform that turns them back into rows; None when the rows do not all
    have the same columns, each always a number or never one (then they stay as they are)."""
    if len(rows) < 2 or not all(isinstance(r, dict) for r in rows):
        return None
    keys = list(rows[0])
    if any(list(r) != keys and set(r) != set(keys) for r in rows):
        return None
    numeric = [k for k in keys if all(_is_number(r[k]) for r in rows)]
    other = [k for k in keys if k not in numeric]
    if not numeric or any(_is_number(r[k]) or isinstance(r[k], (list, dict)) for r in rows for k in other):
        return None
    groups = {}
    for r in rows:
        key = json.dumps([r[k] for k in other])
        g = groups.get(key)
        if g is None:
            g = groups[key] = {**{k: r[k] for k in other}, **{k: [] for k in numeric}}
        for k in numeric:
            g[k].append(r[k])
    flatten = {"flatten": [_field_ref(k) for k in numeric], "as": numeric}
    return list(groups.values()), flatten


def compact_data(spec):
    """Inline data of a vega-lite spec made columnar (see columnar) where every row has the same columns: the
    column names and repeated labels are written once per series instead of once per point. Rows come back
    grouped by series, which only changes which of two overlapping marks is drawn on top."""
    def visit(node):
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                c = columnar(data["values"])
                # only where it saves bytes (a few rows cost less than a flatten transform)
                if c is not None and len(json.dumps(c)) < len(json.dumps(data["values"])):
                    data["values"], flatten = c
                    node["transform"] = [flatten, *node.get("transform", [])]
            for k, v in node.items():
                if k != "data":
                    visit(v)
        elif isinstance(node, list):
            for v in node:
                visit(v)

    visit(spec)
    return spec


def script_json(value):
    """A chart's spec as JSON for a <script type="application/json"> element: data rounded (round_data) and made
    columnar (compact_data), "<" escaped, so no "</script" can end the element early."""
    value = json.loads(value) if isinstance(value, str) else json.loads(json.dumps(value))
    value = compact_data(round_data(value))
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")


# Pygments wraps every run of white space of highlighted code in <span class="w">, which JupyterLab's stylesheet
# does not style: on a long notebook that is a tenth of the page
WHITESPACE_SPAN = re.compile(r'<span class="w">(\s*)</span>')


DATA_URI = re.compile(r'data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+')


def lab_stylesheet(exporter):
    """JupyterLab's stylesheet and light theme, the files nbconvert's lab template would inline into each page (its
    few extra rules are in assets/site.css)."""
    for base in exporter.template_paths:
        css = os.path.join(base, "static", "index.css")
        light = os.path.join(base, "static", "theme-light.css")
        if os.path.isfile(css) and os.path.isfile(light):
            with open(css, encoding="utf-8") as f, open(light, encoding="utf-8") as g:
                return f.read() + "\n" + g.read() + "\n"
    raise SystemExit(f"export_notebooks: JupyterLab's stylesheet (static/index.css) is in none of {exporter.template_paths}")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--drop-solutions", action="store_true", help="remove the cells tagged solution")
    ap.add_argument("--edition", default="", help="a label shown in each page's navigation bar")
    ap.add_argument("notebooks", nargs="+")
    args = ap.parse_args(argv)

    exporter = HTMLExporter(template_name="nsad", extra_template_basedirs=[TEMPLATES])
    exporter.register_filter("nsad_b64", b64)
    exporter.register_filter("nsad_script_json", script_json)
    os.makedirs(os.path.join(args.out, "assets"), exist_ok=True)
    with open(os.path.join(args.out, "assets", "jupyterlab.css"), "w", encoding="utf-8") as f:
        f.write(lab_stylesheet(exporter))
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        drop_blank_streams(nb)
        if args.drop_solutions:
            drop_solutions(nb)
        name = os.path.splitext(os.path.basename(path))[0]
        title = first_heading(nb)
        if title and "title" not in nb.metadata:
            nb.metadata["title"] = title  # the lab template's <title>
        resources = {"metadata": {"name": name}, "nsad_plotly": share_plotly(nb), "nsad_vega": has_vega(nb),
                     "nsad_edition": args.edition}
        body, _ = exporter.from_notebook_node(nb, resources=resources)
        body = WHITESPACE_SPAN.sub(r"\1", body)
        out = os.path.join(args.out, name + ".html")
        with open(out, "w", encoding="utf-8") as f:
            f.write(body)
        images = sum(len(m) for m in DATA_URI.findall(body))
        print(json.dumps({"notebook": path, "html": out, "bytes": len(body.encode("utf-8")), "image_bytes": images,
                          "solutions": count_solutions(nb)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
