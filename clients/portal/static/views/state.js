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

export async function family(view, name, params) {
  const type = params.get("type") || "";
  const { data: fams } = await api("/api/families");
  const fam = fams.find((f) => f.name === name);
  const query = new URLSearchParams({ family: name });
  if (type) query.set("type", type);
  const { data } = await api(`/api/state?${query}`);
  const tabs = el("nav", { class: "tabs" },
    el("a", { href: `#/state/${name}`, class: type ? null : "active" }, "All"),
    Object.entries(fam?.record_types || {}).map(([infix, label]) =>
      el("a", { href: `#/state/${name}?type=${infix}`, class: type === infix ? "active" : null }, label)));
  view.replaceChildren(
    title(`${name} records`, el("span", { class: "muted" }, `${data.length} shown`)), tabs,
    el("table", { class: "grid-table records" },
      el("thead", {}, el("tr", {}, ["Address", "Type", "Record", "Last changed"].map((h) => el("th", {}, h)))),
      el("tbody", {}, data.map((r) => el("tr", {},
        el("td", {}, hash(r.address, `#/address/${r.address}`, 12)),
        el("td", {}, r.type || "—"),
        el("td", {}, r.decoded ? json(r.decoded) : el("code", { class: "muted" }, r.raw.hex.slice(0, 64))),
        el("td", { class: "num" }, el("a", { href: `#/blocks/${r.block_num}` }, `#${r.block_num}`)))))));
}

export async function address(view, addr) {
  const { data } = await api(`/api/state/${addr}`);
  view.replaceChildren(
    title("Address"),
    el("p", {}, el("code", { class: "hash wrap" }, data.address)),
    el("h2", {}, "Current value"),
    data.current ? (data.current.decoded ? json(data.current.decoded)
      : el("pre", { class: "json" }, data.current.raw.hex))
      : el("p", { class: "empty" }, "Not set (never written, or deleted)."),
    el("h2", {}, `History: ${data.history.length} change${data.history.length === 1 ? "" : "s"}, newest first`),
    el("table", { class: "grid-table" },
      el("thead", {}, el("tr", {}, ["Block", "Transaction", "Signer", "Value"].map((h) => el("th", {}, h)))),
      el("tbody", {}, data.history.map((h) => el("tr", {},
        el("td", { class: "num" }, el("a", { href: `#/blocks/${h.block_id}` }, `#${h.block_num}`)),
        el("td", {}, h.txn_id ? hash(h.txn_id, `#/transactions/${h.txn_id}`) : el("span", { class: "muted" }, "unattributed")),
        el("td", {}, h.signer ? hash(h.signer) : "—"),
        el("td", {}, h.deleted ? el("em", {}, "deleted") : h.record.decoded ? json(h.record.decoded)
          : el("code", {}, h.record.raw.hex.slice(0, 64))))))));
}
