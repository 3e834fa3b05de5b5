// Ledger state: each family's current records, decoded; any address with its history.
import { api } from "../api.js";
import { el, hash, json, title } from "../format.js";

export async function families(view) {
  const { data } = await api("/api/families");
  view.replaceChildren(
    title("Ledger state"),
    el("p", { class: "muted" }, "Current records of each transaction family, as the index last saw them in state-delta events."),
    el("div", { class: "cards" }, data.map((f) => el("a", { class: "card", href: `#/state/${f.name}` },
      el("h3", {}, f.name), el("code", {}, `namespace ${f.namespace}`),
      el("p", { class: "muted" }, Object.values(f.record_types).join(" · ") || "records")))));
}

const PAGE = 50;

function recordValue(r) {
  return r.decoded ? json(r.decoded) : el("code", { class: "muted" }, r.raw.hex.slice(0, 64));
}

// One family's current records, sorted by address, a page at a time (server-side paging:
// `after` is the last address of the previous page; `from` counts the records before it).
export async function family(view, name, params) {
  const type = params.get("type") || "";
  const after = params.get("after") || "";
  const from = Number(params.get("from") || 0);
  const query = new URLSearchParams({ family: name, limit: PAGE });
  if (type) query.set("type", type);
  if (after) query.set("after", after);
  const page = await api(`/api/state?${query}`);
  const data = page.data;
  const familyTotal = page.kinds.reduce((n, k) => n + k.count, 0);
  const base = `#/state/${name}${type ? `?type=${type}&` : "?"}`;
  const tabs = el("nav", { class: "tabs", id: "kinds" },
    el("a", { href: `#/state/${name}`, class: type ? null : "active" },
      page.kinds.length ? `All (${familyTotal})` : `All (${page.total})`),
    page.kinds.map((k) => el("a", { href: `#/state/${name}?type=${k.type}`, class: type === k.type ? "active" : null,
      "data-type": k.type }, `${k.label} (${k.count})`)));
  const next = page.paging.next_after;
  const shown = data.length ? `records ${from + 1}–${from + data.length} of ${page.total}, by address`
    : `none of ${page.total}`;
  const pager = el("nav", { class: "pager", id: "state-pager" },
    after ? el("a", { href: base.slice(0, -1) || `#/state/${name}`, class: "button" }, "↑ First page") : null,
    next ? el("a", { href: `${base}after=${next}&from=${from + data.length}`, class: "button", id: "next-page" },
      "Next page →") : null);
  view.replaceChildren(
    title(`${name} records`, el("span", { class: "muted", id: "state-count" }, shown)), tabs,
    el("table", { class: "grid-table records" },
      el("thead", {}, el("tr", {}, ["Address", "Type", "Record", "Last changed"].map((h) => el("th", {}, h)))),
      el("tbody", {}, data.map((r) => el("tr", {},
        el("td", {}, hash(r.address, `#/address/${r.address}`, 12)),
        el("td", {}, r.type || "—", r.label?.description ? el("div", { class: "muted" }, r.label.description) : null),
        el("td", {}, recordValue(r)),
        el("td", { class: "num" }, el("a", { href: `#/blocks/${r.block_num}` }, `#${r.block_num}`)))))),
    pager);
}

// An address: its current record and its changes, newest first, a page at a time (`before` is
// the change id the previous page ended on; `from` counts the changes before it).
export async function address(view, addr, params) {
  const before = params?.get("before") || "";
  const from = Number(params?.get("from") || 0);
  const query = new URLSearchParams({ limit: PAGE });
  if (before) query.set("before", before);
  const { data, paging } = await api(`/api/state/${addr}?${query}`);
  const total = data.history_total;
  const label = data.label;
  const older = paging.next_before;
  const range = data.history.length ? `changes ${from + 1}–${from + data.history.length} of ${total}, newest first`
    : `${total} change${total === 1 ? "" : "s"}`;
  view.replaceChildren(
    title("Address", label.family ? el("span", { class: "badge" }, label.kind ? `${label.family} · ${label.kind}` : label.family) : null),
    el("p", {}, el("code", { class: "hash wrap" }, data.address)),
    label.description ? el("p", { class: "muted" }, label.description) : el("span"),
    el("h2", {}, "Current value"),
    data.current ? recordValue(data.current)
      : el("p", { class: "empty" }, "Not set (never written, or deleted)."),
    el("h2", { id: "history-count" }, before ? `History: ${range}`
      : `History: ${total} change${total === 1 ? "" : "s"}, newest first`),
    el("table", { class: "grid-table", id: "history" },
      el("thead", {}, el("tr", {}, ["Block", "Transaction", "Signer", "Value"].map((h) => el("th", {}, h)))),
      el("tbody", {}, data.history.map((h) => el("tr", {},
        el("td", { class: "num" }, el("a", { href: `#/blocks/${h.block_id}` }, `#${h.block_num}`)),
        el("td", {}, h.txn_id ? hash(h.txn_id, `#/transactions/${h.txn_id}`) : el("span", { class: "muted" }, "unattributed")),
        el("td", {}, h.signer ? hash(h.signer) : "—"),
        el("td", {}, h.deleted ? el("em", {}, "deleted") : recordValue(h.record)))))),
    el("nav", { class: "pager", id: "history-pager" },
      before ? el("a", { href: `#/address/${addr}`, class: "button" }, "↑ Newest changes") : null,
      el("span", { class: "muted" }, range),
      older ? el("a", { href: `#/address/${addr}?before=${older}&from=${from + data.history.length}`, class: "button", id: "older" },
        "Older changes →") : null));
}
