// Time-series charts on uPlot (npm, installed into static/vendor by
// tools/install-portal-assets.sh; docs/portal.md says why uPlot). timeChart draws every chart
// (savingsChart, a contract's cumulative savings, is one of them):
// bars for quantities, lines for rates and overlays, bands between two series, hover values in
// the legend, drag to zoom, Ctrl+wheel to zoom, Shift+drag to pan, double-click or "Reset zoom" to
// see it all, and "Download CSV" of what the chart shows (the zoomed span only).
import uPlot from "./vendor/uplot/uPlot.esm.js";
import { el, mean, number, scaleOf, unitLabel } from "./format.js";

const HEIGHT = 330;
// uPlot's own stylesheet (legend, selection box), loaded once with the first chart.
function loadStyle() {
  if (document.querySelector("link[data-uplot]")) return;
  document.head.append(el("link", { rel: "stylesheet", href: "/static/vendor/uplot/uPlot.min.css", "data-uplot": true }));
}
export const COLOURS = {
  actual: "#2f6fb3", import: "#2f6fb3", generation: "#2e9d5b", export: "#d9822b",
  consumption: "#333a44", storage_charge: "#8c6bb1", storage_discharge: "#b07aa1",
  previous: "#9aa3ad", baseline: "#6b6b6b", forecast: "#a23cb4", demand: "#c0392b",
};

// UTC everywhere: the ledger's days are UTC days (docs/portal.md).
const utc = (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC");
const iso = (t) => new Date(t * 1000).toISOString().slice(0, 16).replace("T", " ");

// spec: {unit, start, end, bucket_s, name (for the CSV file), empty (text when no data),
//   spanGaps (join points across empty buckets: sparse points such as one per period),
//   series: [{label, key, kind: "bars" | "line" | "step", points: [{t, value}], colour, dash,
//             unit (if not the chart's)}],
//   bands: [[keyA, keyB, colour]]  (filled between two series, e.g. baseline and actual)}
export function timeChart(spec) {
  loadStyle();
  const step = spec.bucket_s;
  // One x per bucket of the span, so a bucket without data is a gap, not a joined line.
  const xs = [];
  for (let t = spec.start; t < spec.end; t += step) xs.push(t);
  const extra = spec.series.flatMap((s) => s.points.map((p) => p.t)).filter((t) => (t - spec.start) % step);
  const times = [...new Set([...xs, ...extra])].sort((a, b) => a - b);
  const at = new Map(times.map((t, i) => [t, i]));
  const columns = spec.series.map((s) => {
    const column = new Array(times.length).fill(null);
    for (const p of s.points) if (at.has(p.t) && p.value !== null) column[at.get(p.t)] = p.value;
    return column;
  });
  const scaled = columns.map((column, i) => {
    const scale = scaleOf(spec.series[i].unit || spec.unit);
    return column.map((v) => (v === null ? null : v / scale));
  });
  const data = [times, ...scaled];
  const keyIndex = new Map(spec.series.map((s, i) => [s.key, i + 1]));
  const hasData = columns.some((c) => c.some((v) => v !== null));

  const frame = el("div", { class: "chart-frame", "data-chart": spec.name || "chart",
    "data-series": spec.series.map((s) => `${s.key}:${s.kind}`).join(" ") });
  const plot = el("div", { class: "chart-plot" });
  const reset = el("button", { type: "button", class: "button", "data-action": "reset-zoom" }, "Reset zoom");
  const download = el("button", { type: "button", class: "button", "data-action": "csv" }, "Download CSV");
  frame.append(el("div", { class: "chart-tools" },
    el("span", { class: "muted" }, "Drag to zoom, Shift+drag to pan, Ctrl+wheel to zoom, double-click to reset · UTC"),
    reset, download), plot);
  if (!hasData) frame.append(el("p", { class: "empty" }, spec.empty || "No readings on the ledger for this period."));

  const series = [{ value: (u, t) => (t === null ? "—" : `${iso(t)} UTC`) }];
  spec.series.forEach((s, i) => {
    const unit = s.unit || spec.unit;
    const colour = s.colour || COLOURS[s.key] || COLOURS.actual;
    const paths = s.kind === "bars" ? uPlot.paths.bars({ size: [0.8, 80], align: 1 })
      : s.kind === "step" ? uPlot.paths.stepped({ align: 1 }) : undefined;
    series.push({
      label: s.label,
      scale: s.unit && s.unit !== spec.unit ? s.unit : "y",
      stroke: colour,
      width: s.kind === "bars" ? 0 : 2,
      fill: s.kind === "bars" ? `${colour}cc` : undefined,
      dash: s.dash,
      paths,
      points: { show: s.kind === "line" && (times.length <= 200 || spec.spanGaps) },
      spanGaps: Boolean(spec.spanGaps),
      value: (u, v, si, idx) => (idx === null || idx === undefined ? "—" : mean(columns[i][idx], unit)),
    });
  });
  const units = [...new Set(spec.series.map((s) => s.unit || spec.unit))];
  const axes = [
    { stroke: "#555", grid: { stroke: "#eee" }, values: timeLabels },
    { stroke: "#555", grid: { stroke: "#eee" }, size: 70, label: unitLabel(spec.unit),
      values: (u, splits) => splits.map((v) => v.toLocaleString("en-GB", { maximumFractionDigits: 2 })) },
    ...units.filter((u) => u !== spec.unit).map((u) => ({ scale: u, side: 1, label: unitLabel(u), grid: { show: false }, size: 70 })),
  ];
  const bars = spec.series.some((s) => s.kind === "bars");
  const opts = {
    width: 960, height: HEIGHT, tzDate: utc,
    scales: { x: { time: true, range: (u, min, max) => [min, max] }, y: { range: (u, min, max) => yRange(min, max, bars) } },
    series, axes,
    bands: (spec.bands || []).filter(([a, b]) => keyIndex.has(a) && keyIndex.has(b))
      .map(([a, b, colour]) => ({ series: [keyIndex.get(a), keyIndex.get(b)], fill: colour || "rgba(46,157,91,0.18)" })),
    cursor: { drag: { x: true, y: false, setScale: true } },
    legend: { live: true },
    plugins: [wheelAndPan()],
  };
  const chart = new uPlot(opts, data, plot);
  const full = () => chart.setScale("x", { min: times[0], max: times[times.length - 1] + step });
  full();
  reset.addEventListener("click", full);
  download.addEventListener("click", () => saveCsv(spec, chart, times, columns));
  frame.chart = chart;  // tests and the console read the scales
  frame.csv = () => csv(spec, chart, times, columns);
  new ResizeObserver(() => {
    const width = Math.max(320, Math.floor(frame.clientWidth));
    if (width !== chart.width) chart.setSize({ width, height: HEIGHT });
  }).observe(frame);
  return frame;
}

// Time ticks in UTC: midnight as the day ("5 Jan"), other ticks as the hour ("12:00").
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
function timeLabels(u, splits) {
  const span = u.scales.x.max - u.scales.x.min;
  return splits.map((t) => {
    const d = new Date(t * 1000);
    const day = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
    const hm = `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
    if (hm !== "00:00") return hm;
    return span > 2 * 86400 ? day : `${hm}\n${day}`;
  });
}

// Bars grow from zero; lines (rates) span their values.
function yRange(min, max, fromZero) {
  if (min === null || max === null) return [0, 1];
  const low = fromZero ? Math.min(0, min) : min;
  const high = fromZero ? Math.max(0, max) : max;
  const pad = (high - low || Math.abs(high) || 1) * 0.05;
  return [fromZero && low === 0 ? 0 : low - pad, high + pad];
}

// What the chart shows, as CSV: the buckets inside the zoomed span, each series in its display
// unit, and the ledger's integers beside them (exact; the display rounds).
function csv(spec, chart, times, columns) {
  const { min, max } = chart.scales.x;
  const head = ["time_utc", "unix_s"];
  for (const s of spec.series) {
    const unit = s.unit || spec.unit;
    head.push(`${s.label} (${unitLabel(unit)})`, `${s.label} (${unit})`);
  }
  const lines = [head.map(quote).join(",")];
  times.forEach((t, i) => {
    if (t < min || t >= max) return;
    const row = [`${new Date(t * 1000).toISOString().slice(0, 19)}Z`, t];
    spec.series.forEach((s, j) => {
      const v = columns[j][i];
      row.push(v === null ? "" : number(v, s.unit || spec.unit, 6).replaceAll(",", ""), v === null ? "" : v);
    });
    lines.push(row.map(quote).join(","));
  });
  return `${lines.join("\n")}\n`;
}

const quote = (v) => (/[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));

function saveCsv(spec, chart, times, columns) {
  const blob = new Blob([csv(spec, chart, times, columns)], { type: "text/csv" });
  const link = el("a", { href: URL.createObjectURL(blob), download: `${spec.name || "chart"}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// Ctrl+wheel (a touchpad pinch): zoom the time axis around the pointer. Shift+drag: move the
// span sideways.
function wheelAndPan() {
  return {
    hooks: {
      ready: (u) => {
        const over = u.over;
        over.addEventListener("wheel", (e) => {
          if (!e.ctrlKey) return;  // a plain wheel scrolls the page; Ctrl (or a pinch) zooms
          e.preventDefault();
          const { min, max } = u.scales.x;
          const at = u.posToVal(e.offsetX, "x");
          const factor = e.deltaY < 0 ? 0.75 : 1 / 0.75;
          u.setScale("x", { min: at - (at - min) * factor, max: at + (max - at) * factor });
        }, { passive: false });
        over.addEventListener("mousedown", (e) => {
          if (!e.shiftKey) return;
          e.stopPropagation();  // not uPlot's drag-to-zoom
          const { min, max } = u.scales.x;
          const perPx = (max - min) / over.clientWidth;
          const x0 = e.clientX;
          const move = (m) => {
            const dx = (m.clientX - x0) * perPx;
            u.setScale("x", { min: min - dx, max: max - dx });
          };
          const up = () => { window.removeEventListener("mousemove", move); window.removeEventListener("mouseup", up); };
          window.addEventListener("mousemove", move);
          window.addEventListener("mouseup", up);
        }, true);
      },
    },
  };
}

// A contract's avoided energy summed period by period against its guarantee summed the same way
// (`GET /api/contracts/{id}/savings`, clients/portal/kpis.py): a point at each settled
// period's end. The contract page and the site page use it.
export function savingsChart(savings) {
  const unit = savings.unit === "MILLILITRE" ? "GAS_MILLILITRE" : savings.unit;
  const settled = savings.periods.filter((p) => p.status === "SETTLED");
  if (!settled.length) return el("p", { class: "empty" }, "The chart fills as periods settle.");
  const first = savings.periods.length ? savings.periods[0].start : 0;
  // Both sums start at 0 when the first period starts.
  const at = (key) => (settled.length ? [{ t: first, value: 0 }, ...settled.map((p) => ({ t: p.end, value: p[key] }))] : []);
  const last = savings.periods.length ? savings.periods[savings.periods.length - 1].end : 86400;
  const series = [{ key: "actual", label: "Avoided, cumulative", kind: "line", points: at("cumulative_avoided"), colour: COLOURS.generation }];
  if (savings.guarantee) {
    series.push({ key: "baseline", label: "Guaranteed, cumulative", kind: "line", points: at("cumulative_guarantee"), dash: [6, 4] });
  }
  return timeChart({
    name: `${savings.contract_id}-savings`, unit, start: first, end: last + 86400, bucket_s: 86400,
    spanGaps: true, series, empty: "No settled period yet.",
  });
}
