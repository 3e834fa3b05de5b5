// What the market pages share to act: the contracts' key box and signing flow (contracts.js,
// signer.js: the portal builds, this browser signs, the portal submits; or an unsigned request
// for `smartblocks sign`), and small forms whose inputs are the market action's fields
// (clients/portal/market_actions.py). An error names the field; the form marks it.
import { el } from "../format.js";
import { actingKey, actionLabel, actionLog, keyPanel, run } from "./contracts.js";

export { actingKey };

// A page with a key box, an actions box and a log that survive new blocks: `draw(shell)` fills
// shell.head and shell.box from the ledger, and shell.actions(key, build) rebuilds the forms only
// when `key` (who acts, and the state they depend on) changed, so typing is not lost.
export function marketShell(view, draw) {
  const head = el("div");
  const actionsBox = el("section", { class: "actions", id: "market-actions" });
  const box = el("div");
  const log = actionLog();
  let shown = null;
  const shell = {
    head, box, log,
    me: () => actingKey()?.publicKey || null,
    actions(key, build) {
      const next = JSON.stringify([shell.me(), key]);
      if (next === shown) return;
      shown = next;
      actionsBox.replaceChildren(...(shell.me() ? build() : [
        el("h2", {}, "Actions"),
        el("p", { class: "muted" }, "Load your key above to act in this market (it stays in this browser), or give your public key to download unsigned requests for `smartblocks sign`.")]).filter(Boolean));
    },
    redraw: () => { shown = null; return draw(shell).catch((err) => log.log(err.message, "bad")); },
  };
  const keys = keyPanel(() => shell.redraw());
  view.replaceChildren(head, keys, actionsBox, log, box);
  return shell;
}

// An input of a market action's form: [name, placeholder, value, attrs].
const input = ([name, placeholder, value, attrs]) => el("input", { name, placeholder, value: value ?? "", "aria-label": placeholder, ...(attrs || {}) });

// `fields` become inputs (or a given element with a name); the button signs `action` with
// {...fixed, field: value}. After a commit the page redraws from the ledger.
export function actionForm(shell, { id, title, action, fixed = {}, fields = [], button, refresh = true }) {
  const inputs = fields.map((f) => (f instanceof Node ? f : input(f)));
  // A field given a value (a step, a period, a start) says what it is beside it; the others
  // say it in their placeholder.
  const shown = inputs.map((i, n) => (Array.isArray(fields[n]) && fields[n][2] ? el("label", { class: "inline" }, `${fields[n][1]} `, i) : i));
  const form = el("form", { class: "inline market-form", id, onsubmit: (e) => {
    e.preventDefault();
    for (const bad of form.querySelectorAll(".bad")) bad.classList.remove("bad");
    const body = { ...fixed };
    for (const i of inputs) if (i.name && i.value !== "") body[i.name] = i.type === "checkbox" ? i.checked : i.value.trim();
    run(action, body, (text, kind) => {
      shell.log.log(text, kind);
      const field = kind === "bad" && text.match(/^(\w+):/)?.[1];
      if (field) form.querySelector(`[name="${field}"]`)?.classList.add("bad");
    }, refresh ? () => shell.redraw() : null);
  } }, title ? el("strong", {}, `${title} `) : null, ...shown, el("button", { type: "submit" }, actionLabel(button)));
  return form;
}

export function select(name, options, value) {
  const s = el("select", { name, "aria-label": name }, options.map(([v, label]) => el("option", { value: v }, label)));
  if (value !== undefined) s.value = value;
  return s;
}
