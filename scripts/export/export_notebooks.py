"""Export executed notebooks to self-contained HTML with nbconvert's HTMLExporter and the "nsad" template.

Usage (called by scripts/export-site.mjs; needs Debian's /usr/bin/python3, which has nbconvert):
    /usr/bin/python3 scripts/export/export_notebooks.py --mathjax FILE --out DIR NOTEBOOK.ipynb [...]

Writes DIR/<notebook name>.html for each notebook and prints one JSON line per notebook:
{"notebook": ..., "html": ..., "bytes": ...}.

Tested with nbconvert 6.5.3 (Debian 12). Written to work with nbconvert 7 as well (same HTMLExporter traits:
template_name, extra_template_basedirs; same lab template block names), but nbconvert 7 was not testable here.
"""
import argparse
import base64
import json
import os
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


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mathjax", required=True, help="MathJax 3 tex-svg.js to inline")
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("notebooks", nargs="+")
    args = ap.parse_args(argv)

    with open(args.mathjax, encoding="utf-8") as f:
        mathjax_js = f.read()
    # a "</script" inside the inlined code would end the element early
    mathjax_js = mathjax_js.replace("</script", "<\\/script")

    exporter = HTMLExporter(template_name="nsad", extra_template_basedirs=[TEMPLATES])
    exporter.register_filter("nsad_b64", b64)
    os.makedirs(args.out, exist_ok=True)
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        drop_blank_streams(nb)
        name = os.path.splitext(os.path.basename(path))[0]
        title = first_heading(nb)
        if title and "title" not in nb.metadata:
            nb.metadata["title"] = title  # the lab template's <title>
        resources = {"metadata": {"name": name}, "nsad_mathjax_js": mathjax_js}
        body, _ = exporter.from_notebook_node(nb, resources=resources)
        out = os.path.join(args.out, name + ".html")
        with open(out, "w", encoding="utf-8") as f:
            f.write(body)
        print(json.dumps({"notebook": path, "html": out, "bytes": len(body.encode("utf-8"))}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
