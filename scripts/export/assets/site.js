// The course site's page script (copied to assets/site.js by scripts/export-site.mjs; loaded with `defer`, after
// vega, vega-lite and vega-embed on pages that have charts). It draws each vega-lite chart live from the spec the
// page carries next to the chart's PNG (scripts/export/templates/nsad/index.html.j2), and hides the PNG once the
// chart is drawn: with scripts off, or if drawing fails, the PNG stays. Plain ES2020 for any current browser.
(() => {
  const INTERACTIVE_MARKS = ["line", "point", "circle", "square", "area", "trail"];
  const POINT_MARKS = ["point", "circle", "square", "bar", "rect", "tick"];

  const markType = (mark) => (typeof mark === "string" ? mark : mark?.type);
  const quantitative = (enc, ch) => enc?.[ch] && enc[ch].type === "quantitative" && !enc[ch].bin;

  /**
   * Zoom and pan (the scales bound to an interval selection) where they help: a single x-y chart or a layered one
   * whose layers all plot quantities against quantities with lines or points. Heatmaps, bars, facets and
   * concatenations keep their fixed view. Marks are clipped, so that zoomed-out data never spills over the axes.
   */
  function withZoom(spec) {
    if (spec.facet || spec.repeat || spec.concat || spec.hconcat || spec.vconcat) return spec;
    const views = spec.layer ?? [spec];
    const fits = views.every(
      (v) =>
        !v.layer &&
        INTERACTIVE_MARKS.includes(markType(v.mark)) &&
        quantitative(v.encoding ?? spec.encoding, "x") &&
        quantitative(v.encoding ?? spec.encoding, "y"),
    );
    if (!fits) return spec;
    const clip = (v) => ({ ...v, mark: { ...(typeof v.mark === "string" ? { type: v.mark } : v.mark), clip: true } });
    const zoom = { name: "nsad_zoom", select: "interval", bind: "scales" };
    if (!spec.layer) return { ...clip(spec), params: [...(spec.params ?? []), zoom] };
    const [first, ...rest] = spec.layer.map(clip);
    return { ...spec, layer: [{ ...first, params: [...(first.params ?? []), zoom] }, ...rest] };
  }

  /** Tooltips (the encoded fields) on marks that stand for one datum each; a line's tooltip would name one point. */
  function withTooltips(spec) {
    const config = { ...(spec.config ?? {}) };
    for (const m of POINT_MARKS) config[m] = { tooltip: { content: "encoding" }, ...(config[m] ?? {}) };
    return { ...spec, config };
  }

  async function draw(box) {
    const json = box.querySelector("script.nsad-vega-spec");
    const png = box.querySelector("img.nsad-vega-png");
    if (!json || typeof window.vegaEmbed !== "function") return false;
    const target = document.createElement("div");
    target.className = "nsad-vega-live";
    box.appendChild(target);
    try {
      const spec = JSON.parse(json.textContent);
      let result;
      const live = withTooltips(withZoom(spec));
      try {
        result = await window.vegaEmbed(target, live, { renderer: "svg", actions: false });
        // what the reader can do with this chart (the site's tests read it)
        box.dataset.zoom = String(live.params !== undefined || live.layer?.[0]?.params !== undefined);
      } catch {
        // the interactive additions are ours: should vega-lite reject them, draw the chart as it was made
        target.textContent = "";
        result = await window.vegaEmbed(target, spec, { renderer: "svg", actions: false });
      }
      box.classList.add("nsad-vega-drawn");
      if (png) png.hidden = true;
      return result !== undefined;
    } catch (e) {
      target.remove();
      console.warn("a chart could not be drawn live; its PNG stays:", e);
      return false;
    }
  }

  /** Resolves to the number of charts drawn live (the site's tests wait for it). */
  window.nsadCharts = Promise.all([...document.querySelectorAll(".nsad-vega")].map(draw)).then(
    (drawn) => drawn.filter(Boolean).length,
  );
})();
