// Explorer: blocks (paged, live), a block's batches, a batch's transactions, one transaction.
import { api } from "../api.js";
import { el, hash, json, kv, short, title, when } from "../format.js";

const PAGE = 20;

function blockRow(b, fresh = false) {
  return el("tr", { class: fresh ? "fresh" : null, "data-block": b.block_num },
    el("td", { class: "num" }, el("a", { href: `#/blocks/${b.block_id}` }, `#${b.block_num}`)),
    el("td", {}, hash(b.block_id, `#/blocks/${b.block_id}`)),
    el("td", { class: "optional" }, hash(b.signer)),
    el("td", { class: "optional" }, b.block_num === 0 ? el("span", { class: "muted" }, "genesis")
      : hash(b.previous_block_id, `#/blocks/${b.previous_block_id}`)),
    el("td", { class: "num" }, b.batch_count),
    el("td", { class: "num" }, b.txn_count),
    el("td", { class: "when" }, when(b.seen_at)));
}

export async function blocks(view, params) {
  const before = params.get("before");
  const query = new URLSearchParams({ limit: PAGE });
  if (before) query.set("before", before);
  const page = await api(`/api/blocks?${query}`);
  const body = el("tbody", {}, page.data.map((b) => blockRow(b)));
  const older = page.paging.next_before;
  const pager = el("nav", { class: "pager" },
    before ? el("a", { href: "#/blocks", class: "button" }, "↑ Newest") : null,
    older !== null ? el("a", { href: `#/blocks?before=${older}`, class: "button", id: "older" },
      "Older blocks →") : null);
  view.replaceChildren(
    title("Blocks", el("span", { class: "muted" },
      page.head === null ? "no blocks indexed yet" : `chain head #${page.head}`)),
    el("table", { class: "grid-table", id: "blocks" },
      el("thead", {}, el("tr", {}, ["Block", "Block id", "Signer", "Previous block", "Batches",
        "Transactions", "Seen"].map((h, i) => el("th", { class: i === 2 || i === 3 ? "optional" : null }, h)))),
      body),
    pager);
  if (!before) {
    // Only the newest page grows live; older pages stay put for reading.
    view.onblock = (b) => {
      body.querySelector(`tr[data-block="${b.block_num}"]`)?.remove();
      if (b.rewound) for (const row of body.querySelectorAll("tr")) {
        if (Number(row.dataset.block) >= b.block_num) row.remove();
      }
      body.prepend(blockRow(b, true));
      while (body.children.length > PAGE) body.lastChild.remove();
    };
  }
}

function consensusText(c) {
  if (!c || !c.size) return el("span", { class: "muted" }, "empty");
  const engine = c.engine ? el("span", { class: "badge" }, c.engine) : null;
  const body = c.text !== null ? el("code", { class: "wrap" }, c.text.length > 200 ? `${c.text.slice(0, 200)}…` : c.text)
    : el("code", { class: "hash wrap", title: `${c.size} bytes` }, c.hex.length > 128 ? `${c.hex.slice(0, 128)}…` : c.hex);
  return el("span", {}, engine, " ", body);
}

function blockTime(t) {
  return el("span", {}, el("time", { datetime: t.iso }, t.iso),
    " ", el("span", { class: "muted" }, t.source === "block_info"
      ? "(BlockInfo timestamp, recorded by the next block)"
      : "(when this portal indexed it: no BlockInfo record for this block)"));
}

export async function block(view, id) {
  const { data: b } = await api(`/api/blocks/${encodeURIComponent(id)}`);
  const nav = el("nav", { class: "pager", id: "block-nav" },
    b.block_num === 0 ? el("span", { class: "muted" }, "genesis")
      : el("a", { href: `#/blocks/${b.previous_block_id}`, class: "button", id: "previous-block" },
        `← Block #${b.block_num - 1}`),
    b.next_block_id ? el("a", { href: `#/blocks/${b.next_block_id}`, class: "button", id: "next-block" },
      `Block #${b.block_num + 1} →`)
      : el("span", { class: "muted", id: "no-next-block" }, "newest block in the index"));
  view.replaceChildren(
    title(`Block #${b.block_num}`),
    nav,
    kv([
      ["Block number", String(b.block_num)],
      ["Block id", el("code", { class: "hash wrap" }, b.block_id)],
      ["Previous block", b.block_num === 0 ? "genesis"
        : hash(b.previous_block_id, `#/blocks/${b.previous_block_id}`, 32)],
      ["Next block", b.next_block_id ? hash(b.next_block_id, `#/blocks/${b.next_block_id}`, 32)
        : el("span", { class: "muted" }, "none yet")],
      ["Block time", blockTime(b.time)],
      ["Consensus", consensusText(b.consensus)],
      ["Signer", el("code", { class: "hash wrap" }, b.signer)],
      ["State root", el("code", { class: "hash wrap" }, b.state_root)],
      ["Seen by this portal", when(b.seen_at)],
    ]),
    el("h2", {}, `Batches (${b.batch_count})`),
    b.batches.length ? el("table", { class: "grid-table", id: "batches" },
      el("thead", {}, el("tr", {}, ["#", "Batch id", "Signer", "Transactions"].map((h) => el("th", {}, h)))),
      el("tbody", {}, b.batches.map((batch) => el("tr", {},
        el("td", { class: "num" }, batch.position),
        el("td", {}, hash(batch.batch_id, `#/batches/${batch.batch_id}`, 16)),
        el("td", {}, hash(batch.signer)),
        el("td", { class: "num" }, batch.txn_count)))))
      : el("p", { class: "empty" }, "This block carries no batches."));
}

function txnRow(t) {
  return el("tr", {},
    el("td", {}, hash(t.txn_id, `#/transactions/${t.txn_id}`, 12)),
    el("td", {}, el("span", { class: "badge" }, `${t.family} ${t.version}`)),
    el("td", {}, t.payload.decoded?.action || el("span", { class: "muted" }, "—")),
    el("td", {}, hash(t.signer)),
    el("td", { class: "num" }, t.inputs.length),
    el("td", { class: "num" }, t.outputs.length));
}

export async function batch(view, id) {
  const { data: b } = await api(`/api/batches/${encodeURIComponent(id)}`);
  view.replaceChildren(
    title("Batch"),
    kv([
      ["Batch id", el("code", { class: "hash wrap" }, b.batch_id)],
      ["In block", el("a", { href: `#/blocks/${b.block_id}` }, `#${b.block_num}`)],
      ["Signer (batcher)", el("code", { class: "hash wrap" }, b.signer)],
    ]),
    el("h2", {}, `Transactions (${b.transactions.length})`),
    el("table", { class: "grid-table" },
      el("thead", {}, el("tr", {}, ["Transaction id", "Family", "Action", "Signer", "Inputs",
        "Outputs"].map((h) => el("th", {}, h)))),
      el("tbody", {}, b.transactions.map(txnRow))));
}

function addressLabel(label) {
  if (!label || !label.family) return el("span", { class: "muted" }, "unknown namespace");
  return el("span", {},
    el("span", { class: "badge" }, label.kind ? `${label.family} · ${label.kind}` : label.family),
    label.description ? el("span", { class: "muted" }, ` ${label.description}`) : null);
}

function addressList(addresses, labels = {}) {
  return el("ul", { class: "addresses" }, addresses.map((a) =>
    el("li", {}, addressLabel(labels[a]), el("br"),
      a.length === 70 ? el("a", { href: `#/address/${a}` }, el("code", {}, a))
        : el("code", { title: "prefix" }, `${a}…`))));
}

export async function transaction(view, id) {
  const { data: t } = await api(`/api/transactions/${encodeURIComponent(id)}`);
  const payload = t.payload;
  view.replaceChildren(
    title("Transaction", el("span", { class: "badge" }, `${t.family} ${t.version}`)),
    kv([
      ["Transaction id", el("code", { class: "hash wrap" }, t.txn_id)],
      ["In block", el("a", { href: `#/blocks/${t.block_id}` }, `#${t.block_num}`)],
      ["Batch", hash(t.batch_id, `#/batches/${t.batch_id}`, 16)],
      ["Signer", el("code", { class: "hash wrap" }, t.signer)],
      ["Nonce", el("code", {}, t.nonce)],
      ["Dependencies", t.dependencies.length ? t.dependencies.map((d) => hash(d, `#/transactions/${d}`)) : "none"],
    ]),
    el("div", { class: "columns" },
      el("section", {}, el("h2", {}, `Inputs (${t.inputs.length})`), addressList(t.inputs, t.labels)),
      el("section", {}, el("h2", {}, `Outputs (${t.outputs.length})`), addressList(t.outputs, t.labels))),
    el("h2", {}, "Payload, decoded"),
    el("p", { class: "muted" }, "Every field is shown, zero values included; times are ISO 8601 UTC."),
    payload.decoded ? el("div", { id: "decoded-payload" }, json(payload.decoded))
      : el("p", { class: "empty" }, payload.error),
    el("details", { class: "raw" },
      el("summary", {}, `Payload as signed (${payload.raw.size} bytes)`),
      el("pre", { class: "json" }, payload.raw.hex)),
  );
}

export { short };

const FOUND = { block: "Block", batch: "Batch", transaction: "Transaction", address: "Address",
  prefix: "Address prefix", meter: "Meter", site: "Site" };

function foundItem(f) {
  const head = el("div", {}, el("span", { class: "badge" }, FOUND[f.type] || f.type), " ",
    f.href ? el("a", { href: f.href }, f.title) : f.title, " ",
    el("code", { class: "hash muted", title: f.id }, short(f.id, 16)));
  const records = f.records || f.addresses || [];
  return el("li", { "data-type": f.type }, head,
    f.type === "prefix" ? el("p", { class: "muted" },
      `${f.current_records} current record(s) under this prefix${f.more ? "; the first 20 addresses:" : ":"}`) : null,
    records.length ? el("ul", {}, records.map((r) => el("li", {},
      el("a", { href: r.href }, r.title), " ", el("code", { class: "hash muted" }, short(r.id, 12)),
      r.deleted ? el("em", { class: "muted" }, " (deleted)") : null))) : null);
}

// The search box's answer: every match, or a sentence saying there was none.
export async function search(view, params) {
  const q = (params.get("q") || "").trim();
  const box = document.querySelector("#search input[name=q]");
  if (box && box.value !== q) box.value = q;
  if (!q) {
    view.replaceChildren(title("Search"), el("p", { class: "muted" },
      "Type a block number or id, a batch or transaction id, an address (or its first hex digits), or a meter or site id."));
    return;
  }
  const { found } = await api(`/api/search?${new URLSearchParams({ q })}`);
  view.replaceChildren(
    title("Search", el("span", { class: "muted", id: "search-count" },
      `${found.length} result${found.length === 1 ? "" : "s"} for “${q}”`)),
    found.length ? el("ul", { class: "found", id: "found" }, found.map(foundItem))
      : el("p", { class: "empty" }, "Nothing in the index matches: not a block number or id, batch, transaction, address or prefix, meter or site."));
}
