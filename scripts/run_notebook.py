"""Execute one notebook cell by cell through a real Jupyter kernel (nbclient), for scripts/workbook.mjs.

Run by Debian's /usr/bin/python3 (the Python that has Jupyter's modules):

    /usr/bin/python3 scripts/run_notebook.py INPUT.ipynb OUTPUT.ipynb [--kernel NAME] [--timeout SECONDS]
        [--startup-timeout SECONDS] [--result RESULT.json]

The kernel starts in INPUT's folder. OUTPUT gets the executed copy (also the partial copy when a cell fails).
RESULT gets a JSON summary: {"status": "ok" | "cell-error" | "dead-kernel" | "timeout" | "no-kernel" | "bad-input"
| "missing-jupyter" | "error", "message": ..., and for a failing cell "cell": {"number", "first_line", "stderr"}},
plus "timings": one {"number", "code_number", "first_line", "seconds"} per code cell executed (the failing one
included), and "kernel_seconds": the kernel's start-up time (the workbook runner's --profile prints them).
The message is also printed to stderr. Exit status: 0 ok, 1 cell error, 2 bad input, 3 Jupyter missing,
4 kernel died, 5 timeout, 6 kernel could not start or other error.

tslab reports a failing cell only through stderr output and an error status (no ename/evalue/traceback), so
nbclient's CellExecutionError says nothing useful: the cell's own outputs are read here instead.
"""
import argparse
import json
import os
import signal
import sys
import time
import traceback

EXIT = {"ok": 0, "cell-error": 1, "bad-input": 2, "missing-jupyter": 3, "dead-kernel": 4, "timeout": 5,
        "no-kernel": 6, "error": 6}


TIMINGS = []
KERNEL = {"seconds": None}


def finish(result_path, status, message, **extra):
    result = {"status": status, "message": message, **extra, "timings": TIMINGS,
              "kernel_seconds": KERNEL["seconds"]}
    if result_path:
        with open(result_path, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
    if status != "ok":
        print(message, file=sys.stderr)
    sys.exit(EXIT[status])


def stream_text(cell, name):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == name:
            text = out.get("text", "")
            parts.append("".join(text) if isinstance(text, list) else text)
        elif name == "stderr" and out.get("output_type") == "error":
            parts.append("\n".join(out.get("traceback") or [f"{out.get('ename')}: {out.get('evalue')}"]))
    return "".join(parts)


def trim_stack(text):
    """Drops the kernel's own stack frames (node:vm, tslab) from a cell's stderr, keeping the cell's frames."""
    keep = [line for line in text.splitlines()
            if not (line.lstrip().startswith("at ") and ("node:vm" in line or "/tslab/dist/" in line
                                                          or "sigintHandlersWrap" in line))]
    return "\n".join(keep)


def first_line(cell):
    for line in cell.source.splitlines():
        if line.strip():
            return line.strip()
    return "(empty cell)"


class Terminated(BaseException):
    """Raised on SIGTERM so that nbclient's context manager shuts the kernel down instead of orphaning it."""


def on_sigterm(signum, frame):
    raise Terminated()


def main():
    signal.signal(signal.SIGTERM, on_sigterm)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--kernel", default="nonsmooth-ad")
    ap.add_argument("--timeout", type=float, default=600, help="seconds for the whole notebook (default 600)")
    ap.add_argument("--startup-timeout", type=float, default=60, help="seconds for the kernel to start")
    ap.add_argument("--result", help="write a JSON summary here")
    args = ap.parse_args()

    try:
        import nbformat
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    except ImportError as e:
        finish(args.result, "missing-jupyter",
               f"Jupyter's Python modules are missing ({e}) in {sys.executable}. "
               "Install them with: apt-get install -y --no-install-recommends python3-nbclient python3-nbconvert "
               "jupyter-notebook (or run node scripts/prerequisites.mjs)")

    path = os.path.abspath(args.input)
    if not os.path.isfile(path):
        finish(args.result, "bad-input", f"{args.input}: no such notebook file")
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as e:  # invalid JSON or not a notebook
        finish(args.result, "bad-input", f"{args.input}: not a readable notebook ({type(e).__name__}: {e})")

    try:
        KernelSpecManager().get_kernel_spec(args.kernel)
    except NoSuchKernel:
        finish(args.result, "no-kernel",
               f"Jupyter kernel '{args.kernel}' is not installed where Jupyter looks "
               f"(JUPYTER_PATH={os.environ.get('JUPYTER_PATH', '')!r}). Run `npm run kernel:install`.")

    client = NotebookClient(nb, kernel_name=args.kernel, timeout=int(args.timeout),
                            startup_timeout=int(args.startup_timeout),
                            resources={"metadata": {"path": os.path.dirname(path)}})
    current = {"index": None}

    def save():
        os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
        nbformat.write(nb, args.output)

    def cell_info(index):
        cell = nb.cells[index]
        code_number = sum(1 for c in nb.cells[:index + 1] if c.cell_type == "code" and c.source.strip())
        return {"number": index + 1, "code_number": code_number, "first_line": first_line(cell),
                "stderr": stream_text(cell, "stderr"), "stdout": stream_text(cell, "stdout"),
                "label": f"cell {index + 1} (code cell {code_number})"}

    try:
        started = time.monotonic()
        with client.setup_kernel():
            KERNEL["seconds"] = round(time.monotonic() - started, 3)
            deadline = time.monotonic() + args.timeout  # kernel start has its own limit
            count = 0
            for index, cell in enumerate(nb.cells):
                current["index"] = index
                timed = cell.cell_type == "code" and cell.source.strip()
                if timed:
                    count += 1  # tslab sends no execution counts: number the code cells 1, 2, ...
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise CellTimeoutError("time limit reached between cells")
                client.timeout = max(1, int(remaining))
                t0 = time.monotonic()
                try:
                    client.execute_cell(cell, index, execution_count=count or None)
                finally:
                    if timed:
                        TIMINGS.append({"number": index + 1, "code_number": count, "first_line": first_line(cell),
                                        "seconds": round(time.monotonic() - t0, 3)})
    except CellExecutionError:
        save()
        info = cell_info(current["index"])
        stderr = trim_stack(info["stderr"]).rstrip() or "(the cell wrote nothing to stderr)"
        finish(args.result, "cell-error",
               f"{info['label']} failed: {info['first_line']}\n{stderr}", cell=info)
    except (CellTimeoutError, TimeoutError) as e:
        save()
        if current["index"] is not None:
            info = cell_info(current["index"])
            what = (f"timed out in {info['label']}: {info['first_line']}\n"
                    f"(the notebook's time limit is {args.timeout:g} s; raise it with --timeout SECONDS)")
        else:
            info = None
            what = f"timed out while starting the kernel (limit {args.startup_timeout:g} s)"
        finish(args.result, "timeout", what, cell=info)
    except DeadKernelError:
        save()
        info = cell_info(current["index"]) if current["index"] is not None else None
        where = f" while running {info['label']}: {info['first_line']}" if info else " while starting"
        out = (info or {}).get("stderr", "").rstrip()
        finish(args.result, "dead-kernel",
               f"the kernel died{where}" + (f"\n{out}" if out else ""), cell=info)
    except Terminated:
        import logging
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # the interrupted cell's task, reported at exit
        save()
        finish(args.result, "timeout", "the notebook client was stopped (SIGTERM) and shut its kernel down")
    except RuntimeError as e:  # e.g. "Kernel died before replying to kernel_info"
        save()
        finish(args.result, "no-kernel", f"the kernel '{args.kernel}' could not start: {e}")
    except Exception as e:
        save()
        finish(args.result, "error",
               f"unexpected {type(e).__name__} while running the notebook: {e}\n{traceback.format_exc(limit=3)}")

    save()
    finish(args.result, "ok", "ok")


if __name__ == "__main__":
    main()
