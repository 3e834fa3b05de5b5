// Display helpers. Ledger values are integers in fixed units; only the display divides.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const short = (id, n = 10) => (id && id.length > 2 * n ? `${id.slice(0, n)}…${id.slice(-4)}` : id || "—");

export function hash(id, href, n = 10) {
  const text = el("code", { class: "hash", title: id }, short(id, n));
  return href ? el("a", { href }, text) : text;
}

export function when(unixSeconds) {
  if (!unixSeconds) return "—";
  return new Date(unixSeconds * 1000).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

// Display-only: the energy in a cubic metre of natural gas (gross calorific value about
// 10.55 kWh/m³, a typical H-gas figure). Only the page's "≈ kWh" beside a gas volume uses it;
// nothing on the ledger, in rollups or settlement converts gas with it.
export const GAS_KWH_PER_M3_DISPLAY_ONLY = 10.55;

// unit → [label, ledger units per label unit, decimals for a mean or a single reading].
const UNITS = {
  MILLIWATT_HOUR: ["kWh", 1e6, 2], MILLILITRE: ["L", 1e3, 1], MILLIDEGREE_CELSIUS: ["°C", 1e3, 1],
  MILLIMETRE_PER_SECOND: ["m/s", 1e3, 1], MILLIWATT_PER_SQUARE_METRE: ["W/m²", 1e3, 0],
  PARTS_PER_MILLION: ["%", 1e4, 1],
  // Gas meters count millilitres; the page shows cubic metres (displayUnit below).
  GAS_MILLILITRE: ["m³", 1e6, 2],
  // Demand (mean power over an interval; the API's *_mw figures) in kW.
  MILLIWATT: ["kW", 1e6, 2],
};

// The unit a meter's values are shown in: gas volumes in m³, everything else as recorded.
export const displayUnit = (unit, kind) => (kind === "GAS" && unit === "MILLILITRE" ? "GAS_MILLILITRE" : unit);

const grouped = (number, digits) => number.toLocaleString("en-GB", {
  minimumFractionDigits: digits, maximumFractionDigits: digits,
});

// A count with thousands separators: 12,345.
export const count = (n) => (n === null || n === undefined ? "—" : grouped(Number(n), 0));

export const scaleOf = (unit) => (UNITS[unit] || ["", 1])[1];

// The number alone in the display unit (chart ticks).
export function number(value, unit, digits = 1) {
  const [, scale] = UNITS[unit] || ["", 1];
  return grouped(value / scale, digits);
}

// Decimals for a mean or a single reading: the unit's own (°C 1, W/m² 0, kWh 2), one fewer for
// large numbers so every figure fits its box.
export function meanDigits(value, unit) {
  const [, scale, digits] = UNITS[unit] || ["", 1, 0];
  return Math.abs(value / scale) >= 1000 ? Math.max(0, digits - 1) : digits;
}

// A value with its unit and thousands separators; gas also with its (display-only) energy.
export function quantity(value, unit, digits = 1) {
  if (value === null || value === undefined) return "—";
  const [label] = UNITS[unit] || [""];
  const text = `${number(value, unit, digits)} ${label}`.trim();
  if (unit !== "GAS_MILLILITRE") return text;
  return `${text} (≈ ${grouped((value / 1e6) * GAS_KWH_PER_M3_DISPLAY_ONLY, 0)} kWh)`;
}

// A mean or single reading with the unit's sensible precision.
export const mean = (value, unit) => (value === null || value === undefined ? "—" : quantity(value, unit, meanDigits(value, unit)));

export const unitLabel = (unit) => (UNITS[unit] || [unit || ""])[0];

// "today" only for the current UTC day (the page shows UTC days throughout); any other day
// by its date.
export const utcToday = () => new Date().toISOString().slice(0, 10);
export const dayLabel = (day, today = utcToday()) => (day === today ? "today" : day);

export function kv(rows) {
  return el("dl", { class: "kv" }, rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
}

// Pretty JSON, but arrays of plain values stay on wrapped lines: 60 readings read as a block,
// not as 60 lines.
function pretty(value, indent = "") {
  const inner = indent + "  ";
  if (Array.isArray(value)) {
    if (!value.length) return "[]";
    if (value.every((v) => v === null || typeof v !== "object")) {
      const items = value.map((v) => JSON.stringify(v));
      const lines = [];
      let line = "";
      for (const item of items) {
        if (line && line.length + item.length > 88) { lines.push(line); line = ""; }
        line += (line ? " " : "") + item + ",";
      }
      lines.push(line.slice(0, -1));
      return `[\n${lines.map((l) => inner + l).join("\n")}\n${indent}]`;
    }
    return `[\n${value.map((v) => inner + pretty(v, inner)).join(",\n")}\n${indent}]`;
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value);
    if (!entries.length) return "{}";
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pretty(v, inner)}`).join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value);
}

export function json(value) {
  return el("pre", { class: "json" }, pretty(value));
}

export const title = (text, ...extra) => el("div", { class: "title" }, el("h1", {}, text), ...extra);
