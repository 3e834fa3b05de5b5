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

const UNITS = {
  MILLIWATT_HOUR: ["kWh", 1e6], MILLILITRE: ["L", 1e3], MILLIDEGREE_CELSIUS: ["°C", 1e3],
  MILLIMETRE_PER_SECOND: ["m/s", 1e3], MILLIWATT_PER_SQUARE_METRE: ["W/m²", 1e3],
  PARTS_PER_MILLION: ["%", 1e4],
};

export function quantity(value, unit, digits = 1) {
  if (value === null || value === undefined) return "—";
  const [label, scale] = UNITS[unit] || ["", 1];
  const number = (value / scale).toLocaleString("en-GB", {
    minimumFractionDigits: digits, maximumFractionDigits: digits,
  });
  return `${number} ${label}`.trim();
}

export const unitLabel = (unit) => (UNITS[unit] || [unit || ""])[0];

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
