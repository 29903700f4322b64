// Settings → API keys. The GraphQL fields (apiKeys, createApiKey, revokeApiKey) arrive with
// accounts and sessions; until then this page says how to manage keys on the server. They are
// found by introspection, and their shapes read from it, so the page works once they exist.
import { useState } from "preact/hooks";
import { gql } from "./api.js";
import { Code, ErrorNote, Page, When, html, useLoad } from "./ui.js";

const TYPE = "kind name ofType { kind name ofType { kind name ofType { kind name } } }";
const DETECT = `query Detect {
  query: __type(name: "Query") { fields { name type { ${TYPE} } } }
  mutation: __type(name: "Mutation") { fields { name args { name type { ${TYPE} } } type { ${TYPE} } } }
}`;
const DESCRIBE = `query Describe($name: String!) { __type(name: $name) { kind fields { name type { ${TYPE} } } inputFields { name type { ${TYPE} } } enumValues { name } } }`;
const VIEWER = "query Me { viewer { organization { name } apiKey { id prefix name mode } } }";

function named(type) { while (type && type.ofType) type = type.ofType; return type; }
function required(type) { return type && type.kind === "NON_NULL"; }
async function describe(name) { return (await gql(DESCRIBE, { name })).__type; }
function leafFields(type) {
  return (type.fields || []).filter((f) => ["SCALAR", "ENUM"].includes(named(f.type).kind)).map((f) => f.name);
}

async function detect() {
  const data = await gql(DETECT);
  const queryField = data.query.fields.find((f) => f.name === "apiKeys");
  const mutations = Object.fromEntries(data.mutation.fields.map((f) => [f.name, f]));
  const viewer = (await gql(VIEWER)).viewer;
  if (!queryField) return { available: false, viewer };
  // The key type: a list of keys, or a connection (edges { node }).
  const outer = await describe(named(queryField.type).name);
  let connection = false;
  let keyType = outer;
  if ((outer.fields || []).some((f) => f.name === "edges")) {
    connection = true;
    const edge = await describe(named(outer.fields.find((f) => f.name === "edges").type).name);
    keyType = await describe(named(edge.fields.find((f) => f.name === "node").type).name);
  }
  const spec = { available: true, viewer, connection, fields: leafFields(keyType), create: null, revoke: null };
  for (const [which, name] of [["create", "createApiKey"], ["revoke", "revokeApiKey"]]) {
    const field = mutations[name];
    if (!field) continue;
    const input = field.args.find((a) => a.name === "input");
    const inputType = input ? await describe(named(input.type).name) : null;
    const payload = await describe(named(field.type).name);
    const inputs = [];
    for (const f of inputType ? inputType.inputFields : field.args) {
      const t = named(f.type);
      if (f.name === "idempotencyKey") continue;
      inputs.push({ name: f.name, required: required(f.type), kind: t.kind, type: t.name, options: t.kind === "ENUM" ? (await describe(t.name)).enumValues.map((v) => v.name) : null });
    }
    const selection = [...leafFields(payload)];
    for (const f of payload.fields || []) {
      const t = named(f.type);
      if (f.name === "userErrors") selection.push("userErrors { field message code }");
      else if (t.kind === "OBJECT") selection.push(`${f.name} { ${leafFields(await describe(t.name)).join(" ") || "__typename"} }`);
    }
    spec[which] = { name, wrapped: Boolean(input), inputType: inputType && inputType.name, inputs, selection: selection.join(" ") || "__typename" };
  }
  return spec;
}

function call(op, values) {
  const declared = op.wrapped ? `$input: ${op.inputType}!` : op.inputs.map((i) => `$${i.name}: ${i.type}${i.required ? "!" : ""}`).join(", ");
  const args = op.wrapped ? "input: $input" : op.inputs.map((i) => `${i.name}: $${i.name}`).join(", ");
  const query = `mutation ${op.name[0].toUpperCase()}${op.name.slice(1)}(${declared}) { ${op.name}(${args}) { ${op.selection} } }`;
  return gql(query, op.wrapped ? { input: values } : values).then((data) => {
    const payload = data[op.name];
    if (payload && payload.userErrors && payload.userErrors.length) throw new Error(payload.userErrors.map((e) => e.message).join("; "));
    return payload;
  });
}

function secretIn(value) {
  if (typeof value === "string") return /^et_(live|test)_[A-Za-z0-9]{20,}$/.test(value) ? value : null;
  if (value && typeof value === "object") for (const v of Object.values(value)) { const found = secretIn(v); if (found) return found; }
  return null;
}

export function ApiKeysPage() {
  const spec = useLoad(detect, []);
  const [listVersion, setListVersion] = useState(0);
  const s = spec.data;
  return html`<${Page} title="API keys">
    <${ErrorNote} error=${spec.error} />
    ${s && s.viewer.apiKey ? html`<p>This dashboard is using key <code>${s.viewer.apiKey.prefix}…</code> (${s.viewer.apiKey.name || "unnamed"}, ${s.viewer.apiKey.mode}) of <strong>${s.viewer.organization.name}</strong>.</p>` : null}
    ${s && (!s.available || s.viewer.apiKey) ? html`<section class="empty" id="keys-unavailable"><h2>Keys are managed by people</h2>
      <p>${s.available ? html`Owners and admins manage keys here once signed in to the dashboard; an API key cannot list or create keys.` : html`This server's GraphQL API has no <code>apiKeys</code> field.`} With an API key, manage keys on the server:</p>
      <${Code} label="Key commands">${`viperatron keys create --org "${s.viewer.organization.name}" --name dashboard
viperatron keys create --org "${s.viewer.organization.name}" --test   # et_test_: no email leaves
viperatron keys list --org "${s.viewer.organization.name}"
viperatron keys revoke KEY_ID_OR_PREFIX`}<//></section>` : null}
    ${s && s.available && !s.viewer.apiKey ? html`<${KeyList} spec=${s} version=${listVersion} onChange=${() => setListVersion(listVersion + 1)} />` : null}
    ${!s && spec.loading ? html`<p class="muted">Looking for the key fields…</p>` : null}
  <//>`;
}

function KeyList({ spec, version, onChange }) {
  const [error, setError] = useState(null);
  const [secret, setSecret] = useState(null);
  const fields = spec.fields.join(" ");
  const keys = useLoad(async () => {
    const data = await gql(`query ApiKeys { apiKeys${spec.connection ? ` { edges { node { ${fields} } } }` : ` { ${fields} }`} }`);
    return spec.connection ? data.apiKeys.edges.map((e) => e.node) : data.apiKeys;
  }, [version]);
  const create = async (event) => {
    event.preventDefault();
    setError(null); setSecret(null);
    const values = {};
    for (const input of spec.create.inputs) {
      const raw = event.currentTarget.elements[`new-key-${input.name}`];
      if (!raw) continue;
      const value = raw.type === "checkbox" ? raw.checked : raw.value;
      if (value !== "") values[input.name] = value;
    }
    try { setSecret(secretIn(await call(spec.create, values)) || "(created)"); onChange(); } catch (e) { setError(e); }
  };
  const revoke = async (id) => {
    setError(null);
    try { await call(spec.revoke, { id }); onChange(); } catch (e) { setError(e); }
  };
  const visible = spec.fields.filter((f) => f !== "id");
  return html`
    <${ErrorNote} error=${error || keys.error} />
    ${spec.create ? html`<form class="filters" onSubmit=${create} aria-label="Create a key">
      ${spec.create.inputs.filter((i) => i.name !== "id").map((i) => html`<div class="field"><label for=${`new-key-${i.name}`}>${i.name}</label>
        ${i.options ? html`<select id=${`new-key-${i.name}`} name=${`new-key-${i.name}`}>${i.options.map((o) => html`<option value=${o}>${o}</option>`)}</select>`
          : i.type === "Boolean" ? html`<input type="checkbox" id=${`new-key-${i.name}`} name=${`new-key-${i.name}`} />`
          : html`<input id=${`new-key-${i.name}`} name=${`new-key-${i.name}`} required=${i.required} />`}</div>`)}
      <div class="field"><button type="submit">Create key</button></div></form>` : null}
    ${secret ? html`<div class="notice" role="status"><p>Copy the new key now: it is not shown again.</p><${Code} label="The new key">${secret}<//></div>` : null}
    ${keys.data ? html`<table class="list" id="api-keys"><caption class="sr-only">API keys</caption>
      <thead><tr>${visible.map((f) => html`<th scope="col">${f}</th>`)}<th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${keys.data.map((k) => html`<tr>${visible.map((f) => html`<td>${/At$/.test(f) ? html`<${When} value=${k[f]} />` : String(k[f] ?? "—")}</td>`)}
        <td>${spec.revoke ? html`<button type="button" class="secondary small" onClick=${() => revoke(k.id)} aria-label=${`Revoke ${k.prefix || k.id}`}>Revoke</button>` : null}</td></tr>`)}</tbody></table>` : null}`;
}
