// An SVG chart of a meter's buckets: bars for quantities that add up (energy, volume: a bar
// per bucket from zero), a line for rates (temperature, wind speed: the bucket's mean, on an
// axis fitted to the values, broken where a bucket has no readings); hover shows the value.
import { el, mean, number, scaleOf, unitLabel } from "./format.js";

const SVG = "http://www.w3.org/2000/svg";
const W = 960, H = 330, M = { top: 28, right: 16, bottom: 36, left: 72 };

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function niceStep(max, ticks = 5) {
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
  return step || magnitude * 10;
}

function label(t, bucket, span) {
  const d = new Date(t * 1000);
  if (bucket < 86400 && span <= 86400) return `${String(d.getUTCHours()).padStart(2, "0")}:00`;
  return `${d.getUTCDate()} ${d.toLocaleString("en-GB", { month: "short", timeZone: "UTC" })}`;
}

export function barChart(series) {
  const { start, end, bucket_s: bucket, unit } = series;
  const points = series.points.filter((p) => p.value !== null);  // a mean of no readings
  const asLine = series.aggregate === "mean";
  const slots = Math.max(1, Math.round((end - start) / bucket));
  const plotW = W - M.left - M.right, plotH = H - M.top - M.bottom;
  // Bars grow from zero, down for negative values; a line's axis spans just its values.
  const values = points.map((p) => p.value);
  const maxValue = asLine && values.length ? Math.max(...values) : Math.max(0, ...values);
  const minValue = asLine && values.length ? Math.min(...values) : Math.min(0, ...values);
  const step = niceStep(maxValue - minValue || scaleOf(unit));
  const bottom = Math.floor(minValue / step) * step;
  const top = Math.max(bottom + step, Math.ceil(maxValue / step) * step);
  const x = (t) => M.left + ((t - start) / bucket) * (plotW / slots);
  const y = (v) => M.top + plotH - ((v - bottom) / (top - bottom)) * plotH;
  const barW = Math.max(1, (plotW / slots) * 0.78);

  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img",
    "aria-label": `${asLine ? "mean" : "interval total"} per bucket, ${points.length} points` });
  for (let v = bottom; v <= top + 1e-9; v += step) {
    root.append(svg("line", { x1: M.left, x2: W - M.right, y1: y(v), y2: y(v), class: "grid" }));
    root.append(svg("text", { x: M.left - 8, y: y(v) + 4, class: "tick", "text-anchor": "end" },
      number(v, unit, Number.isInteger(v / scaleOf(unit)) ? 0 : 1)));
  }
  root.append(svg("text", { x: M.left - 8, y: 12, class: "tick axis-unit", "text-anchor": "end" }, unitLabel(unit)));
  // Hourly bars over several days: one label per midnight; otherwise about a dozen labels.
  const perDay = 86400 / bucket;
  const every = bucket < 86400 && end - start > 86400 ? perDay * Math.ceil(slots / perDay / 12) : Math.ceil(slots / 12);
  for (let i = 0; i < slots; i += every) {
    const t = start + i * bucket;
    root.append(svg("text", { x: x(t) + barW / 2, y: H - M.bottom + 18, class: "tick",
      "text-anchor": "middle" }, label(t, bucket, end - start)));
  }
  const bySlot = new Map();
  for (const p of points) bySlot.set(Math.floor((p.t - start) / bucket), p);
  if (asLine) {
    // One polyline per run of consecutive buckets with readings: a gap is not drawn over.
    let run = [];
    const flush = () => {
      if (run.length) root.append(svg("polyline", { class: "line", points: run.join(" ") }));
      run = [];
    };
    for (let i = 0; i < slots; i += 1) {
      const p = bySlot.get(i);
      if (!p) { flush(); continue; }
      run.push(`${x(p.t) + barW / 2},${y(p.value)}`);
      root.append(svg("circle", { cx: x(p.t) + barW / 2, cy: y(p.value), r: slots > 200 ? 0 : 2,
        class: "point", "data-t": p.t, "data-value": p.value }));
    }
    flush();
  } else {
    for (const p of points) {
      root.append(svg("rect", {
        x: x(p.t), y: Math.min(y(p.value), y(0)), width: barW, height: Math.abs(y(0) - y(p.value)),
        class: "bar", "data-t": p.t, "data-value": p.value,
      }));
    }
  }
  // One hover zone over the plot finds the bucket under the pointer: works for 24 bars and for
  // 1,440 one-minute bars narrower than a pixel alike.
  const cursor = svg("rect", { class: "cursor", y: M.top, height: plotH, width: Math.max(barW, 2), visibility: "hidden" });
  const zone = svg("rect", { class: "hover-zone", x: M.left, y: M.top, width: plotW, height: plotH });
  const tip = el("div", { class: "tooltip", hidden: true });
  zone.addEventListener("mousemove", (event) => {
    const box = root.getBoundingClientRect();
    const svgX = ((event.clientX - box.left) / box.width) * W;
    const p = bySlot.get(Math.floor(((svgX - M.left) / plotW) * slots));
    if (!p) { tip.hidden = true; cursor.setAttribute("visibility", "hidden"); return; }
    const when = new Date(p.t * 1000).toISOString().slice(0, 16).replace("T", " ");
    tip.replaceChildren(el("strong", {}, mean(p.value, unit)),
      el("span", {}, `${when} UTC · ${p.count.toLocaleString("en-GB")} reading${p.count === 1 ? "" : "s"}`));
    tip.hidden = false;
    tip.style.left = `${((x(p.t) + barW / 2) / W) * box.width}px`;
    tip.style.top = `${(y(p.value) / H) * box.height}px`;
    cursor.setAttribute("x", x(p.t) - Math.max(0, (2 - barW) / 2));
    cursor.setAttribute("visibility", "visible");
  });
  zone.addEventListener("mouseleave", () => { tip.hidden = true; cursor.setAttribute("visibility", "hidden"); });
  root.append(cursor);
  root.append(svg("line", { x1: M.left, x2: W - M.right, y1: M.top + plotH, y2: M.top + plotH,
    class: "axis" }));
  root.append(zone);
  const frame = el("div", { class: "chart-frame" }, root, tip);
  if (!points.length) frame.append(el("p", { class: "empty" }, "No readings on the ledger for this period."));
  return frame;
}
