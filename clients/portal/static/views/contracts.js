// Contracts: the list and templates, a form per template (baseline fitted from the ledger,
// settlement preview), a contract's page, and every action signed in this browser (signer.js).
import { api, post } from "../api.js";
import { savingsChart, timeChart } from "../charts.js";
import { count, el, kv, short, title } from "../format.js";
import {
  currentKey, forgetKey, parseKeyFile, storedKeys, storeKey, removeStoredKey, signHex, unlockKey, useKey,
} from "../signer.js";

const ROLES = ["esco", "owner", "auditor"];
const ROLE_LABEL = { esco: "ESCO", owner: "Owner", auditor: "Auditor" };
const ENERGY_KINDS = new Set(["ELECTRICITY_IMPORT", "ELECTRICITY_EXPORT", "GENERATION", "GAS", "HEAT", "COOLING", "WATER",
  "STORAGE_CHARGE", "STORAGE_DISCHARGE"]);

// -- numbers ----------------------------------------------------------------------------------------

const grouped = (n, digits) => Number(n).toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
// Money is kept in micro-units; shown in currency units, 2 decimals.
export const money = (micro, currency = "") => `${grouped(Number(micro) / 1e6, 2)}${currency ? ` ${currency}` : ""}`;
// Energy in the meters' unit (mWh or mL): shown in kWh or m³.
export function energy(value, unit) {
  if (value === null || value === undefined) return "—";
  return unit === "mL" ? `${grouped(Number(value) / 1e6, 2)} m³` : `${grouped(Number(value) / 1e6, 1)} kWh`;
}
const ppm = (v) => `${grouped(Number(v) / 1e4, 1)} %`;
// What a signed baseline table says it was fitted on (its fit_* fields; the API's baseline_fit).
export const baselineFitText = (fit) => `${fit.meters.length ? fit.meters.join(" + ") : "files, not ledger meters,"}`
  + `${fit.weather_meter ? ` (temperature ${fit.weather_meter})` : ""} from ${String(fit.from).slice(0, 10)} to ${String(fit.to).slice(0, 10)}, ${count(fit.days)} days`;
const roleOf = (parties, key) => (key ? ROLES.find((r) => parties[r] === key) : undefined);

// A party that signs on the command line gives only its public key: every action then downloads
// the unsigned request for `smartblocks sign REQUEST.json --key NAME.priv` (clients/cli/sign.py).
let cliPublicKey = null;
const PUBLIC_KEY = /^0[23][0-9a-f]{64}$/;
// Whose key acts: the private key loaded in this page, else the command line's public key.
export function actingKey() {
  return currentKey() || (cliPublicKey ? { name: "command line", publicKey: cliPublicKey, cli: true } : null);
}
function useCliKey(publicKey) {
  cliPublicKey = publicKey;
  window.dispatchEvent(new CustomEvent("keychange"));
}
// An action button's words: signed here, or downloaded for the command line.
export const actionLabel = (text) => (actingKey()?.cli ? `${text}: download unsigned request` : text);

// -- the key panel: whose key signs ------------------------------------------------------------------

export function keyPanel(onChange) {
  const box = el("section", { class: "keybox", id: "keybox" });
  const render = () => {
    const key = currentKey();
    const status = el("p", { class: "error", id: "key-error" });
    const file = el("input", { type: "file", id: "key-file", accept: ".priv,text/plain" });
    const remember = el("input", { type: "password", id: "key-password", placeholder: "password to keep it here (optional)", autocomplete: "new-password" });
    file.addEventListener("change", async () => {
      try {
        const secret = parseKeyFile(await file.files[0].text());
        const name = file.files[0].name.replace(/\.priv$/, "");
        if (remember.value) await storeKey(name, secret, remember.value);
        useKey(name, secret);
      } catch (err) { status.textContent = err.message; }
    });
    const pub = el("input", { id: "cli-public-key", size: 70, placeholder: "66 hex characters (NAME.pub)", spellcheck: "false" });
    const usePub = () => {
      const value = pub.value.trim().toLowerCase();
      if (PUBLIC_KEY.test(value)) useCliKey(value);
      else status.textContent = "a public key is 66 hex characters starting 02 or 03 (the .pub file)";
    };
    const kept = storedKeys().map((k) => {
      const pw = el("input", { type: "password", placeholder: "password", class: "unlock-password" });
      return el("li", {}, el("strong", {}, k.name), " ", el("code", {}, short(k.publicKey)), " ", pw,
        el("button", { type: "button", onclick: async () => {
          try { await unlockKey(k.name, pw.value); } catch (err) { status.textContent = err.message; }
        } }, "Unlock"),
        el("button", { type: "button", onclick: () => { removeStoredKey(k.name); render(); } }, "Remove"));
    });
    const acting = actingKey();
    box.replaceChildren(...[
      el("h2", {}, "Your key"),
      key
        ? el("p", { id: "key-loaded" }, "Signing as ", el("strong", {}, key.name), " ", el("code", { class: "wrap" }, key.publicKey), " ",
          el("button", { type: "button", id: "key-forget", onclick: forgetKey }, "Forget"))
        : acting
          ? el("p", { id: "key-loaded" }, "Acting as ", el("code", { class: "wrap" }, acting.publicKey),
            ": each action downloads an unsigned request; sign and submit it with ", el("code", {}, "smartblocks sign REQUEST.json --key NAME.priv"), " ",
            el("button", { type: "button", id: "key-forget", onclick: () => useCliKey(null) }, "Forget"))
          : el("p", { class: "muted" }, "No key loaded: you can read everything; to act, load your private key. It stays in this browser: the portal only ever sees signatures. Or give your public key and sign on the command line."),
      el("div", { class: "keyrow" }, el("label", {}, "Key file (.priv from sawtooth keygen or smartblocks keygen) ", file), remember),
      acting ? null : el("div", { class: "keyrow" }, el("label", {}, "Or sign on the command line: your public key ", pub),
        el("button", { type: "button", id: "cli-key-use", onclick: usePub }, "Use")),
      kept.length ? el("ul", { class: "kept" }, kept) : null,
      status].filter(Boolean));
  };
  render();
  const changed = () => {
    if (!box.isConnected) { window.removeEventListener("keychange", changed); return; }
    render();
    onChange?.();
  };
  window.addEventListener("keychange", changed);
  return box;
}

// -- signing: build unsigned, sign here, batch, sign, submit ----------------------------------------

async function signAndSubmit(action, body, log) {
  const key = actingKey();
  if (!key) throw new Error("load your key first (Your key, above)");
  log(`Building the ${action} transaction…`);
  const unsigned = await post("/api/sign/unsigned", { action, public_key: key.publicKey, ...body });
  if (key.cli) {
    // The request is step 1's answer, as a file: the page follows the block it lands in.
    const subject = body.contract_id || body.terms?.contract_id || body.offer_id || body.community_id || body.supplier_id || body.auction_id || "contract";
    const name = `${subject}-${action}.unsigned.json`;
    download(name, `${JSON.stringify(unsigned, null, 2)}\n`, "application/json");
    log(`Downloaded ${name} (${unsigned.what}). Sign and submit it: smartblocks sign ${name} --key YOUR.priv`, "good");
    return null;
  }
  log(`Signing in this browser: ${unsigned.what}`);
  const signed = unsigned.transactions.map((t) => ({ header: t.header, payload: t.payload, signature: signHex(t.header) }));
  const batch = await post("/api/sign/batch", { transactions: signed });
  const result = await post("/api/sign/submit", {
    transactions: signed, batch_header: batch.batch_header, batch_signature: signHex(batch.batch_header),
  });
  const status = result.statuses[0]?.status || "?";
  log(`${unsigned.what}: ${status} (batch ${short(result.batch_id)})`, status === "COMMITTED" ? "good" : "bad");
  return result;
}

export function actionLog() {
  const out = el("div", { class: "action-log", id: "action-log", role: "status" });
  out.log = (text, kind = "") => out.replaceChildren(el("p", { class: kind }, text));
  return out;
}

export async function run(action, body, log, after) {
  try {
    if (await signAndSubmit(action, body, log)) after?.();
  } catch (err) {
    log(err.message, "bad");
  }
}

// -- the list -----------------------------------------------------------------------------------------

export async function contractList(view) {
  const [{ data: contracts }, { data: templates }] = await Promise.all([api("/api/contracts"), api("/api/templates")]);
  const badge = el("span", { class: "badge" });
  const rows = el("tbody");
  // New blocks and another key refresh the table only: the key box keeps what is typed in it.
  const onlyMine = el("input", { type: "checkbox", id: "only-mine", onchange: () => fill(shown) });
  const fill = (all) => {
    const me = actingKey()?.publicKey;
    onlyMine.disabled = !me;
    const list = me && onlyMine.checked ? all.filter((c) => roleOf(c.parties, me)) : all;
    badge.textContent = `${all.length} on the ledger`;
    rows.replaceChildren(...(list.length ? list.map((c) => el("tr", { "data-contract": c.contract_id },
      el("td", {}, el("a", { href: `#/contracts/${encodeURIComponent(c.contract_id)}` }, c.contract_id)),
      el("td", {}, c.title),
      el("td", {}, c.template),
      el("td", {}, el("span", { class: `badge status-${c.status.toLowerCase()}` }, c.status), c.pending_amendment ? " amendment pending" : ""),
      el("td", { class: "num" }, `${c.settled_periods}/${c.periods}`),
      el("td", {}, c.site_id),
      el("td", {}, ROLE_LABEL[roleOf(c.parties, me)] || "—"))) : [el("tr", {}, el("td", { colspan: 7, class: "empty" }, "No contracts yet."))]));
  };
  let shown = contracts;
  fill(shown);
  view.replaceChildren(
    title("Contracts", badge),
    keyPanel(() => fill(shown)),
    el("label", { class: "check" }, onlyMine, " only the contracts of the loaded key (as ESCO, owner or auditor)"),
    el("table", { class: "grid-table", id: "contracts" },
      el("thead", {}, el("tr", {}, ["Contract", "Title", "Template", "Status", "Settled", "Site", "Your role"].map((h) => el("th", {}, h)))),
      rows),
    el("h2", {}, "New contract from a template"),
    el("div", { class: "cards", id: "templates" }, templates.map((t) => el("a", { class: "card", href: `#/contracts/new/${t.name}`, "data-template": t.name },
      el("h3", {}, t.title), el("p", { class: "muted" }, t.summary), el("span", { class: "link" }, "Fill the form →")))));
  view.onblock = () => api("/api/contracts").then(({ data }) => { shown = data; fill(shown); }).catch(() => {});
}

// -- the form -------------------------------------------------------------------------------------------

function field(label, input, help) {
  return el("label", { class: "field", "data-field": input.name }, el("span", {}, label), input, help ? el("small", { class: "muted" }, help) : null);
}

const input = (name, value, attrs = {}) => el("input", { name, value: value ?? "", ...attrs });

function select(name, options, value) {
  const s = el("select", { name }, options.map(([v, label]) => el("option", { value: v }, label)));
  s.value = value ?? "";
  return s;
}

function fitReport(fit) {
  const m = fit.metrics;
  const days = fit.plot.t;
  const points = (values) => values.map((value, i) => ({ t: days[i], value }));
  const plot = el("div", { id: "fit-plot" }, timeChart({
    name: "baseline-fit", unit: fit.unit === "mL" ? "GAS_MILLILITRE" : "MILLIWATT_HOUR",
    start: days[0], end: days[days.length - 1] + 86400, bucket_s: 86400,
    series: [
      { key: "actual", label: "Metered", kind: "line", points: points(fit.plot.observed) },
      { key: "baseline", label: "Baseline model", kind: "line", points: points(fit.plot.predicted), dash: [6, 4] },
    ],
  }));
  const box = el("div", { id: "fit-result" },
    el("p", {}, el("strong", {}, fit.disqualified ? "Disqualified by CalTRACK's rules (see findings); the parties may still agree to it." : "Fit accepted by CalTRACK's rules."),
      ` ${fit.model}; table hash `, el("code", {}, short(fit.table_hash, 12))),
    kv([
      ["CV(RMSE)", `${(m.cvrmse * 100).toFixed(1)} %`], ["NMBE", `${(m.nmbe * 100).toFixed(2)} %`],
      ["R²", m.r_squared === null ? "—" : m.r_squared.toFixed(3)], ["Days", count(m.n)],
      ["Table fidelity", `${(fit.fidelity.max_month_error * 100).toFixed(3)} % (target ${(fit.fidelity.target * 100).toFixed(1)} %)`],
    ]),
    el("h3", {}, "Sufficiency findings"),
    el("ul", { class: "findings", id: "fit-findings" }, fit.findings.length ? fit.findings.map((f) => el("li", { class: f.severity },
      el("code", {}, f.code), ` ${f.severity}: ${f.description}`)) : el("li", {}, "none")),
    el("h3", {}, "Daily energy: metered and the baseline model"), plot);
  return box;
}

function previewTable(p) {
  const unit = p.unit;
  return el("table", { class: "grid-table", id: "preview" },
    el("thead", {}, el("tr", {}, ["Period", "Coverage", "Adjusted baseline", "Actual", "Avoided", "Dues", ""].map((h) => el("th", {}, h)))),
    el("tbody", {}, p.periods.map((r) => el("tr", { "data-period": r.period },
      el("td", {}, r.period_name),
      el("td", { class: "num" }, `${ppm(r.coverage_ppm)} (${r.complete_days}/${r.days} days)`),
      el("td", { class: "num" }, energy(r.adjusted_baseline, unit)),
      el("td", { class: "num" }, energy(r.actual, unit)),
      el("td", { class: "num" }, energy(r.avoided, unit)),
      el("td", {}, r.sufficient ? (r.dues.length ? r.dues.map((d) => el("div", {}, `${ROLE_LABEL[d.payer]} → ${ROLE_LABEL[d.payee]} ${money(d.amount, r.currency)}`)) : "nothing due") : r.reason),
      el("td", { class: "muted" }, r.ended ? "" : "not over yet")))));
}

function formDoc(form, template) {
  const f = form.elements;
  const value = (n) => f[n].value.trim();
  const params = {};
  for (const inputEl of form.querySelectorAll("[data-param]")) params[inputEl.dataset.param] = inputEl.value.trim();
  return {
    contract_id: value("contract_id"), title: value("title"), template, site: value("site"),
    meters: [...form.querySelectorAll("input[name=meters]:checked")].map((c) => c.value),
    weather_meter: value("weather_meter"), currency: value("currency"), start: value("start"),
    period: value("period"), periods: Number(value("periods")),
    min_coverage: value("min_coverage"), data_grace: value("data_grace"), dispute_window: value("dispute_window"),
    parties: Object.fromEntries(ROLES.map((r) => [r, value(`parties.${r}`)])),
    deposits: { esco: value("deposits.esco"), owner: value("deposits.owner") },
    [template]: params,
  };
}

function showFieldError(form, err, out) {
  for (const bad of form.querySelectorAll(".field.bad")) bad.classList.remove("bad");
  const name = err.field;
  const target = name && (form.querySelector(`.field[data-field="${name}"]`) || form.querySelector(`.field[data-field="${name.split(".")[0]}"]`));
  target?.classList.add("bad");
  target?.scrollIntoView({ block: "center" });
  out.replaceChildren(el("p", { class: "bad", id: "form-error" }, name ? `${name}: ${err.message}` : err.message));
}

async function postDraft(path, body) {
  const response = await fetch(path, { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const err = new Error(data.error?.message || `HTTP ${response.status}`);
    err.field = data.error?.field;
    throw err;
  }
  return data;
}

function download(name, content, type) {
  const a = el("a", { href: URL.createObjectURL(new Blob([content], { type })), download: name });
  document.body.append(a);
  a.click();
  a.remove();
}

function proposeLabel(amending) {
  const text = amending ? "Propose amendment" : "Propose";
  return actingKey()?.cli ? actionLabel(text) : `${text} (sign in browser)`;
}

// The form of template `name`; `existing` ({terms, baseline, contract_id}) fills it for an amendment.
export async function contractForm(view, name, existing = null) {
  const [{ data: templates }, { data: sites }, { data: meters }] = await Promise.all([api("/api/templates"), api("/api/sites"), api("/api/meters")]);
  const template = templates.find((t) => t.name === name);
  if (!template) throw new Error(`no template ${name}`);
  const doc = existing ? existing.terms : template.example;
  let baseline = existing ? existing.baseline : null;
  const me = actingKey()?.publicKey;
  const parties = { ...doc.parties };
  if (!existing) for (const r of ROLES) parties[r] = r === "esco" && me ? me : "";
  const site = existing ? doc.site : (sites[0]?.site_id || "");
  const out = el("div", { id: "form-out" });
  const log = actionLog();

  const meterBox = el("div", { class: "checks", id: "meter-checks" });
  const weather = select("weather_meter", [], "");
  const fillMeters = (siteId) => {
    const here = meters.filter((m) => m.site_id === siteId);
    meterBox.replaceChildren(...here.filter((m) => ENERGY_KINDS.has(m.kind)).map((m) => el("label", { class: "check" },
      el("input", { type: "checkbox", name: "meters", value: m.meter_id, checked: (doc.meters || []).includes(m.meter_id) || undefined }), ` ${m.meter_id} (${m.kind})`)));
    if (!meterBox.querySelector(":checked")) meterBox.querySelector("input")?.setAttribute("checked", "");
    weather.replaceChildren(...here.filter((m) => m.kind === "TEMPERATURE").map((m) => el("option", { value: m.meter_id }, m.meter_id)));
    if (doc.weather_meter && here.some((m) => m.meter_id === doc.weather_meter)) weather.value = doc.weather_meter;
  };
  const siteSelect = select("site", sites.map((s) => [s.site_id, `${s.name || s.site_id}`]), site);
  siteSelect.addEventListener("change", () => fillMeters(siteSelect.value));
  fillMeters(site);

  // The baseline year: the 365 days before the contract's start (CalTRACK's baseline period).
  const daysBefore = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) - n * 86400e3).toISOString().slice(0, 10);
  const fitFrom = input("fit.from", daysBefore(String(doc.start), 365), { type: "date" });
  const fitTo = input("fit.to", daysBefore(String(doc.start), 1), { type: "date" });
  const fitOut = el("div", { id: "fit-out" });
  const tableFile = el("input", { type: "file", name: "baseline-file", accept: ".pb" });
  const baselineState = el("p", { class: "muted", id: "baseline-state" }, baseline ? "Using the contract's current baseline table." : "No baseline yet.");
  tableFile.addEventListener("change", async () => {
    const bytes = new Uint8Array(await tableFile.files[0].arrayBuffer());
    baseline = btoa(String.fromCharCode(...bytes));
    baselineState.textContent = `Using the table file ${tableFile.files[0].name} (${count(bytes.length)} bytes).`;
  });

  const form = el("form", { class: "contract-form", id: "contract-form" },
    el("fieldset", {}, el("legend", {}, "Contract"),
      field("Contract id", input("contract_id", doc.contract_id, existing ? { readonly: true } : {})),
      field("Title", input("title", doc.title)),
      existing ? field("Why the terms change", input("reason", "", { placeholder: "e.g. a new wing added to the site" })) : null,
      field("Site", siteSelect),
      el("div", { class: "field", "data-field": "meters" }, el("span", {}, "Energy meters (summed)"), meterBox),
      field("Weather station (outdoor temperature meter)", weather),
      field("Currency", input("currency", doc.currency)),
      field("Start (first day, UTC)", input("start", String(doc.start), { type: "date", onchange: (e) => {
        if (!e.target.value) return;
        fitFrom.value = daysBefore(e.target.value, 365);
        fitTo.value = daysBefore(e.target.value, 1);
      } })),
      field("Period", select("period", [["week", "week (starts Monday)"], ["month", "month"], ["year", "year"]], doc.period)),
      field("Periods (the term)", input("periods", doc.periods, { type: "number", min: 1 })),
      field("Minimum coverage", input("min_coverage", doc.min_coverage), "below it a period settles as INSUFFICIENT"),
      field("Data grace", input("data_grace", doc.data_grace), "e.g. 7d"),
      field("Dispute window", input("dispute_window", doc.dispute_window), "e.g. 30d")),
    el("fieldset", {}, el("legend", {}, "Parties (public keys) and deposits"),
      ...ROLES.map((r) => field(ROLE_LABEL[r], input(`parties.${r}`, parties[r], { size: 70, placeholder: "66 hex characters (NAME.pub)" }))),
      field("ESCO deposit", input("deposits.esco", doc.deposits?.esco ?? "0"), "locked when the ESCO signs"),
      field("Owner deposit", input("deposits.owner", doc.deposits?.owner ?? "0"), "locked when the owner signs")),
    el("fieldset", {}, el("legend", {}, `${template.title}: tariff, shares, guarantee`),
      ...template.parameters.map((p) => el("label", { class: "field", "data-field": `${name}.${p}` }, el("span", {}, p.replaceAll("_", " ")),
        el("input", { "data-param": p, name: `${name}.${p}`, value: String(doc[name]?.[p] ?? "") })))),
    el("fieldset", { id: "baseline-box" }, el("legend", {}, "Baseline"),
      el("p", { class: "muted" }, "Fitted on this portal from the ledger's day rollups (OpenDSM's daily CalTRACK model), on the energy meters (summed, as settlement sums them) and the weather station; or load the table `smartblocks mv fit` wrote."),
      el("div", { class: "keyrow", "data-field": "fit.from" }, field("From", fitFrom), field("To", fitTo),
        el("button", { type: "button", id: "fit", onclick: async () => {
          const meters = [...form.querySelectorAll("input[name=meters]:checked")].map((c) => c.value);
          fitOut.replaceChildren(el("p", { class: "muted" }, "Fitting… (OpenDSM, a few seconds)"));
          try {
            const fit = await postDraft("/api/drafts/baseline", { meters, weather_meter: weather.value, from: fitFrom.value, to: fitTo.value });
            baseline = fit.baseline;
            baselineState.textContent = `Using the fitted table ${short(fit.table_hash, 12)}.`;
            fitOut.replaceChildren(fitReport(fit));
          } catch (err) { fitOut.replaceChildren(el("p", { class: "bad" }, err.message)); }
        } }, "Fit baseline")),
      field("or a table file", tableFile), baselineState, fitOut),
    el("div", { class: "buttons" },
      el("button", { type: "button", id: "check", onclick: () => check(false) }, "Check terms"),
      el("button", { type: "button", id: "preview-button", onclick: () => check(true) }, "Preview settlement"),
      el("button", { type: "button", id: "download-terms", onclick: async () => {
        try {
          const checked = await postDraft("/api/drafts/check", { terms: formDoc(form, name), baseline });
          download(`${checked.terms.contract_id}.toml`, checked.toml, "application/toml");
          download("baseline.pb", Uint8Array.from(atob(baseline), (c) => c.charCodeAt(0)), "application/octet-stream");
        } catch (err) { showFieldError(form, err, out); }
      } }, "Download terms file (for the CLI)"),
      el("button", { type: "button", id: "propose", class: "primary", onclick: async () => {
        out.replaceChildren();
        const body = { terms: formDoc(form, name), baseline };
        if (existing) {
          const reason = form.elements.reason.value.trim();
          if (!reason) return showFieldError(form, Object.assign(new Error("say why the terms change"), { field: "reason" }), out);
          await run("amend", { ...body, contract_id: existing.contract_id, reason }, log.log, () => { location.hash = `#/contracts/${encodeURIComponent(existing.contract_id)}`; });
        } else {
          try { await postDraft("/api/drafts/check", body); } catch (err) { return showFieldError(form, err, out); }
          await run("propose", body, log.log, () => { location.hash = `#/contracts/${encodeURIComponent(body.terms.contract_id)}`; });
        }
      } }, proposeLabel(Boolean(existing)))),
    out, log);

  async function check(withPreview) {
    out.replaceChildren(el("p", { class: "muted" }, withPreview ? "Previewing…" : "Checking…"));
    try {
      const body = { terms: formDoc(form, name), baseline };
      const checked = await postDraft("/api/drafts/check", body);
      const parts = [el("p", { id: "terms-ok" }, "The terms are valid. Terms hash ", el("code", { id: "terms-hash" }, checked.terms_hash), " (what both parties sign).")];
      if (withPreview) {
        const p = await postDraft("/api/drafts/preview", body);
        parts.push(el("h3", {}, `What settlement would have given (ledger time ${p.ledger_time || "unknown"})`), previewTable(p), el("p", { class: "muted" }, p.note));
      }
      for (const bad of form.querySelectorAll(".field.bad")) bad.classList.remove("bad");
      out.replaceChildren(...parts);
    } catch (err) { showFieldError(form, err, out); }
  }

  const keys = keyPanel(() => { form.querySelector("#propose").textContent = proposeLabel(Boolean(existing)); });
  view.replaceChildren(
    title(existing ? `Amend ${existing.contract_id}` : `New contract: ${template.title}`, el("a", { href: "#/contracts" }, "← Contracts")),
    el("p", { class: "muted" }, template.summary), keys, form);
}

export async function amendForm(view, id) {
  const d = await api(`/api/contracts/${encodeURIComponent(id)}?draft=1`);
  await contractForm(view, d.terms.template_name, { ...d.draft, contract_id: id });
}

// -- a contract's page -------------------------------------------------------------------------------

function payments(s, parties, currency) {
  if (!s.payments?.length) return s.status === "SETTLED" ? "nothing due" : "—";
  return s.payments.map((p) => {
    const paid = Number(p.from_escrow || 0) + Number(p.from_account || 0);
    const unpaid = Number(p.unpaid || 0);
    return el("div", {}, `${ROLE_LABEL[roleOf(parties, p.payer)] || short(p.payer)} → ${ROLE_LABEL[roleOf(parties, p.payee)] || short(p.payee)} `,
      el("strong", {}, money(paid, currency)), ` ${p.reason}`, unpaid ? el("span", { class: "bad" }, ` (${money(unpaid, currency)} unpaid)`) : "");
  });
}

function settlementsTable(d) {
  const unit = d.terms.unit;
  const parties = d.terms;
  return el("table", { class: "grid-table", id: "settlements" },
    el("thead", {}, el("tr", {}, ["#", "Period", "Status", "Coverage", "Adjusted baseline", "Actual", "Avoided", "Payments", "Dispute"].map((h) => el("th", {}, h)))),
    el("tbody", {}, d.settlements.length ? d.settlements.map((s) => el("tr", { "data-period": s.period },
      el("td", {}, s.period), el("td", {}, s.period_name), el("td", {}, s.status),
      el("td", { class: "num" }, ppm(s.coverage_ppm || 0)),
      el("td", { class: "num" }, energy(s.adjusted_baseline || 0, unit)),
      el("td", { class: "num" }, energy(s.actual || 0, unit)),
      el("td", { class: "num" }, energy(s.avoided || 0, unit)),
      el("td", {}, payments(s, parties, d.currency)),
      el("td", { class: "dispute-cell" }, s.dispute ? `${s.dispute.status}` : (s.disputable ? `open to dispute until ${s.dispute_open_until}` : "—")))) :
      el("tr", {}, el("td", { colspan: 9, class: "empty" }, "No period settled yet."))));
}

function disputesList(d) {
  const disputed = d.settlements.filter((s) => s.dispute);
  if (!disputed.length) return el("p", { class: "empty", id: "disputes" }, "No disputes.");
  return el("ul", { class: "disputes", id: "disputes" }, disputed.map((s) => el("li", { "data-period": s.period },
    el("strong", {}, `${s.period_name}: ${s.dispute.status}`), ` raised by the ${ROLE_LABEL[roleOf(d.terms, s.dispute.raised_by)] || "?"} ${s.dispute.raised_at}: ${s.dispute.reason}`,
    s.dispute.evidence?.length ? el("div", { class: "muted" }, `evidence: ${s.dispute.evidence.join("; ")}`) : null,
    s.dispute.note ? el("div", {}, `auditor: ${s.dispute.note} (${s.dispute.resolved_at})`) : null)));
}

// Avoided energy summed period by period against the guarantee: the index's figures
// (kpis.contract_savings, which counts an auditor's ADJUST), drawn as the site page draws them.
function cumulativeChart(savings) {
  return savings ? savingsChart(savings) : el("p", { class: "empty" }, "The chart fills as periods settle.");
}

function partiesTable(d, me) {
  return el("table", { class: "grid-table", id: "parties" },
    el("thead", {}, el("tr", {}, ["Role", "Public key", "Account", "Escrow in this contract"].map((h) => el("th", {}, h)))),
    el("tbody", {}, ROLES.map((r) => el("tr", { "data-role": r, class: d.terms[r] === me ? "me" : "" },
      el("td", {}, ROLE_LABEL[r], d.terms[r] === me ? " (you)" : ""),
      el("td", {}, el("code", { class: "wrap" }, d.terms[r])),
      el("td", { class: "num" }, r === "auditor" ? "—" : money(d.balances[r], d.currency)),
      el("td", { class: "num" }, r === "auditor" ? "—" : money(d.escrows[r], d.currency))))));
}

// What the same actions are with `smartblocks` (the key file stays on the party's machine).
function commandLines(d, id) {
  const status = d.contract.status;
  const lines = [`smartblocks contract show ${id}`];
  if (status === "PROPOSED") lines.push(`smartblocks contract accept ${id} --terms-hash ${d.terms_hash} --key YOUR.priv`);
  if (status === "ACTIVE") {
    lines.push(`smartblocks contract settle ${id} --key ANY.priv`);
    if (d.pending_amendment) lines.push(`smartblocks contract accept-amendment ${id} --terms-hash ${d.pending_amendment.terms_hash} --key YOUR.priv`);
  }
  for (const s of d.settlements.filter((x) => x.disputable)) lines.push(`smartblocks contract dispute ${id} ${s.period} --reason "..." --key YOUR.priv`);
  for (const s of d.settlements.filter((x) => x.dispute?.status === "OPEN")) lines.push(`smartblocks contract resolve ${id} ${s.period} --uphold --note "..." --key AUDITOR.priv`);
  return lines;
}

// The actions the loaded key may take now; `log` (kept by the page) shows how each went.
function actions(d, id, refresh, log) {
  const me = actingKey()?.publicKey;
  const role = roleOf(d.terms, me);
  const status = d.contract.status;
  const done = () => refresh();
  const box = el("section", { class: "actions", id: "actions" });
  const buttons = [];
  const party = role === "esco" || role === "owner";
  const cid = { contract_id: id };
  if (!me) {
    box.replaceChildren(el("h2", {}, "Actions"),
      el("p", { class: "muted" }, "Load a party's key above to act on this contract here; or give your public key above and each action downloads an unsigned request for `smartblocks sign`; or act on the command line with your key file:"),
      el("pre", { class: "json", id: "commands" }, commandLines(d, id).join("\n")));
    return box;
  }
  if (status === "PROPOSED" && party && d.proposer_role !== role) {
    buttons.push(el("button", { type: "button", id: "accept", class: "primary", onclick: () => run("accept", { ...cid, terms_hash: d.terms_hash }, log.log, done) },
      actionLabel(`Accept terms ${short(d.terms_hash, 8)} as the ${ROLE_LABEL[role]}`)));
  }
  if (status === "PROPOSED" && party && d.proposer_role === role) {
    buttons.push(el("button", { type: "button", id: "withdraw", onclick: () => run("withdraw", cid, log.log, done) }, actionLabel("Withdraw the proposal")));
  }
  if (status === "ACTIVE") {
    const next = d.next_period;
    if (next?.ended) {
      buttons.push(el("button", { type: "button", id: "settle", onclick: () => run("settle", cid, log.log, done) }, actionLabel(`Settle ${next.name}`)));
    } else if (next) {
      buttons.push(el("span", { class: "muted" }, `${next.name} settles after ${next.end} (ledger time).`));
    }
    if (party) {
      buttons.push(el("a", { class: "button", id: "amend", href: `#/contracts/${encodeURIComponent(id)}/amend` }, "Propose an amendment"));
      const reason = input("terminate-reason", "", { placeholder: "why end it early", size: 24 });
      buttons.push(el("span", { class: "inline" }, reason, el("button", { type: "button", id: "terminate", onclick: () => {
        if (reason.value.trim()) run("terminate", { ...cid, reason: reason.value.trim() }, log.log, done);
        else log.log("Give a reason to end the contract.", "bad");
      } }, actionLabel(d.termination_requested_by_role && d.termination_requested_by_role !== role ? "Agree to end the contract" : "Ask to end the contract"))));
    }
    const a = d.pending_amendment;
    if (a && party && a.by_role !== role) {
      buttons.push(el("button", { type: "button", id: "accept-amendment", class: "primary", onclick: () => run("accept_amendment", { ...cid, terms_hash: a.terms_hash }, log.log, done) },
        actionLabel(`Accept the amendment ${short(a.terms_hash, 8)}`)));
    }
  }
  const parts = [el("h2", {}, `Actions as the ${ROLE_LABEL[role] || "reader (not a party)"}`), el("div", { class: "buttons" }, buttons.length ? buttons : el("span", { class: "muted" }, "Nothing for you to do now."))];
  const disputable = d.settlements.filter((s) => s.disputable);
  if (party && disputable.length) {
    const period = select("dispute-period", disputable.map((s) => [String(s.period), s.period_name]), String(disputable.at(-1).period));
    const reason = input("dispute-reason", "", { placeholder: "why the settlement is wrong", size: 40 });
    const evidence = input("dispute-evidence", "", { placeholder: "evidence (e.g. sha256:… photos 2027-03)", size: 30 });
    parts.push(el("form", { class: "inline", id: "dispute-form", onsubmit: (e) => {
      e.preventDefault();
      run("dispute", { ...cid, period: Number(period.value), reason: reason.value, evidence: evidence.value ? [evidence.value] : [] }, log.log, done);
    } }, el("strong", {}, "Dispute a settlement "), period, reason, evidence, el("button", { type: "submit" }, actionLabel("Dispute"))));
  }
  const open = d.settlements.filter((s) => s.dispute?.status === "OPEN");
  if (role === "auditor" && open.length) {
    const period = select("resolve-period", open.map((s) => [String(s.period), s.period_name]), String(open[0].period));
    const decision = select("resolve-decision", [["UPHOLD", "uphold"], ["ADJUST", "adjust"]], "UPHOLD");
    const note = input("resolve-note", "", { placeholder: "the decision's grounds", size: 30 });
    const actual = input("resolve-actual", "", { placeholder: "corrected actual, e.g. 41000 kWh", size: 22 });
    const base = input("resolve-baseline", "", { placeholder: "corrected baseline, e.g. 52000 kWh", size: 22 });
    parts.push(el("form", { class: "inline", id: "resolve-form", onsubmit: (e) => {
      e.preventDefault();
      run("resolve", { ...cid, period: Number(period.value), decision: decision.value, note: note.value, corrected_actual: actual.value, corrected_baseline: base.value }, log.log, done);
    } }, el("strong", {}, "Resolve a dispute "), period, decision, note, actual, base, el("button", { type: "submit" }, actionLabel("Resolve"))));
  }
  box.replaceChildren(...parts);
  return box;
}

// The contract as the ledger holds it now, and its savings as the portal's index has them.
async function loadContract(id) {
  const path = `/api/contracts/${encodeURIComponent(id)}`;
  const [contract, savings] = await Promise.all([api(path), api(`${path}/savings`).catch(() => null)]);
  return { ...contract, savings };
}

export async function contractPage(view, id) {
  let d = await loadContract(id);
  const dataBox = el("div", { id: "contract-data" });
  const actionBox = el("div");
  const log = actionLog();
  let actionKey = "";
  const render = () => {
    const me = actingKey()?.publicKey;
    const t = d.terms;
    const c = d.contract;
    const chartBox = el("div", { class: "savings-chart", id: "cumulative" }, cumulativeChart(d.savings));
    const a = d.pending_amendment;
    dataBox.replaceChildren(
      kv([
        ["Template", `${t.template_title} (${t.template_name})`],
        ["Status", el("span", { class: `badge status-${c.status.toLowerCase()}`, id: "status" }, c.status)],
        ["Terms hash (as signed)", el("code", { id: "contract-terms-hash", class: "wrap" }, d.terms_hash)],
        ["Baseline", el("span", {}, `${t.baseline.model} · table hash `, el("code", {}, short(t.baseline.table_hash, 12)))],
        ...(t.baseline.fit ? [["Baseline fitted on", el("span", { id: "baseline-fit" }, baselineFitText(t.baseline.fit))]] : []),
        ["Site and meters", `${t.site_id}: ${t.meters.join(", ")}; weather ${t.weather_meter}`],
        ["Term", `${t.periods} × ${t.period.toLowerCase()} from ${t.term.from} to ${t.term.to}; settled ${c.settled_periods}`],
        ["Coverage, grace, disputes", `at least ${ppm(t.min_coverage_ppm)}; data grace ${t.data_grace_s / 86400} d; disputes within ${t.dispute_window_s / 86400} d`],
        ["Parameters", el("span", { id: "parameters" }, Object.entries(t.parameters).map(([k, v]) => `${k.replaceAll("_", " ")} ${v}`).join(" · "))],
        ["Proposed", `by the ${ROLE_LABEL[d.proposer_role] || "?"} ${c.proposed_at}${c.accepted_at ? `; accepted ${c.accepted_at}` : ""}`],
        ...(c.terms_history?.length ? [["Earlier terms", c.terms_history.map((h) => short(h, 8)).join(", ")]] : []),
        ...(d.termination_requested_by_role ? [["Termination asked", `by the ${ROLE_LABEL[d.termination_requested_by_role]}: ${c.termination_reason}`]] : []),
        ...(a ? [["Amendment pending", `by the ${ROLE_LABEL[a.by_role]}: ${a.reason} (hash ${short(a.terms_hash, 8)})`]] : []),
        ...(c.end_reason ? [["Ended", `${c.ended_at}: ${c.end_reason}`]] : []),
        ["Downloads", el("span", {}, el("a", { href: `/api/contracts/${encodeURIComponent(id)}/terms.toml` }, "terms.toml"), " · ",
          el("a", { href: `/api/contracts/${encodeURIComponent(id)}/baseline.pb` }, "baseline.pb"))],
      ]),
      el("h2", {}, "Parties, accounts and escrow"), partiesTable(d, me),
      el("h2", {}, "Settlements"), settlementsTable(d),
      el("h2", {}, "Cumulative avoided energy"), chartBox,
      el("h2", {}, "Disputes"), disputesList(d),
      el("p", { class: "muted" }, `Ledger time ${d.ledger_time || "unknown"}; the page follows new blocks.`));
    const key = JSON.stringify([me, c.status, c.settled_periods, d.next_period, d.pending_amendment?.terms_hash, d.termination_requested_by_role,
      d.settlements.map((s) => [s.dispute?.status, s.disputable])]);
    if (key !== actionKey) { actionKey = key; actionBox.replaceChildren(actions(d, id, refresh, log)); }
  };
  const refresh = async () => {
    const next = await loadContract(id);
    if (JSON.stringify(next) !== JSON.stringify(d)) { d = next; render(); }
  };
  const keys = keyPanel(() => { actionKey = ""; render(); });
  view.replaceChildren(title(d.terms.title || id, el("code", {}, id), el("a", { href: "#/contracts" }, "← Contracts")), keys, actionBox, log, dataBox);
  render();
  view.onblock = () => refresh().catch(() => {});
}
