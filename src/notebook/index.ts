/**
 * nonsmooth-ad/notebook: charts, tables, 3-D plots and progress for Jupyter notebooks on the tslab kernel.
 *
 * @packageDocumentation
 */
export { DisplayBundle, VEGALITE_MIME } from "./bundle";
export type { MimeData } from "./bundle";
export { renderPng, renderSvg, svgToPng, VEGALITE_SCHEMA } from "./render";
export type { RenderOptions, RenderedPng, VegaLiteSpec } from "./render";
export { chartFontFiles, CHART_FONT } from "./fonts";
export { show } from "./show";
export type { ShowOptions } from "./show";
export type { ChartOptions, FacetOptions } from "./charts/common";
export { linePlot, functionPlot } from "./charts/lines";
export type { Series, LinePlotOptions, MarkedPoint, NamedFunction, FunctionPlotOptions } from "./charts/lines";
export { scatterPlot, histogram, barChart } from "./charts/points";
export type { ScatterOptions, HistogramOptions, BarChartOptions } from "./charts/points";
export { sampleGrid, contourLines, heatmap, contourPlot } from "./charts/grid";
export type {
  Grid,
  GridSource,
  SamplingOptions,
  ContourSegment,
  Path2D,
  HeatmapOptions,
  ContourOptions,
} from "./charts/grid";
export { vectorField, setValuedField } from "./charts/fields";
export type { VectorRecord, VectorFieldOptions, SetRecord, SetValuedFieldOptions } from "./charts/fields";
export { escapeHtml } from "./html";
export { surfacePlot, resetPlotlyInlining } from "./plotly";
export type { SurfacePath, SurfaceOptions } from "./plotly";
export { showTable } from "./table";
export type { DataFrameLike, TableOptions } from "./table";
export { toDataFrame } from "./dataframe";
export { progress, withProgress, Progress } from "./progress";
export type { ProgressOptions } from "./progress";
export { intervalPlot } from "./charts/intervals";
export { elementsPlot } from "./charts/elements";
export type { PlanarSet, PlanarPoint, ElementsPlotOptions } from "./charts/elements";
export type { IntervalPlotData, IntervalPlotOptions } from "./charts/intervals";
