// Settings → Webhooks: endpoints (URLs of yours that receive events), their signing secret,
// a test event, and each one's delivery log (polled while a delivery is on its way).
import { useState } from "preact/hooks";
import { gql, mutate } from "./api.js";
import { Code, Confirm, CopyButton, Empty, ErrorNote, Page, When, html, useLoad } from "./ui.js";
import { TestKeyNote } from "./domains.js";

const GROUPS = [
  ["Message events", ["MESSAGE_QUEUED", "MESSAGE_SENT", "MESSAGE_DEFERRED", "MESSAGE_FAILED", "MESSAGE_BOUNCED",
    "MESSAGE_COMPLAINED", "MESSAGE_OPENED", "MESSAGE_CLICKED", "MESSAGE_UNSUBSCRIBED"]],
  ["Contact events", ["CONTACT_CREATED", "CONTACT_UPDATED", "CONTACT_UNSUBSCRIBED"]],
];
const HELP = {
  MESSAGE_QUEUED: "a send was accepted", MESSAGE_SENT: "the receiving server accepted it",
  MESSAGE_DEFERRED: "a temporary failure, tried again", MESSAGE_FAILED: "given up or refused",
  MESSAGE_BOUNCED: "a bounce report arrived", MESSAGE_COMPLAINED: "reported as spam",
  MESSAGE_OPENED: "a tracked message was opened", MESSAGE_CLICKED: "a tracked link was followed",
  MESSAGE_UNSUBSCRIBED: "one-click unsubscribe", CONTACT_CREATED: "through the API",
  CONTACT_UPDATED: "through the API", CONTACT_UNSUBSCRIBED: "one-click unsubscribe",
};
const ENDPOINT_FIELDS = "id url description events enabled secret createdAt updatedAt";
const LIST = `query WebhookEndpoints { webhookEndpoints { ${ENDPOINT_FIELDS} } }`;
const DELIVERIES = `query WebhookDeliveries($id: ID!) { webhookEndpoint(id: $id) { id
  deliveries(first: 50) { edges { node { id eventType status attempts lastDetail payload createdAt deliveredAt } } }
} }`;
const ERRORS = "userErrors { field message code }";
const CREATE = `mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { webhookEndpoint { ${ENDPOINT_FIELDS} } ${ERRORS} } }`;
const UPDATE = `mutation UpdateWebhookEndpoint($input: UpdateWebhookEndpointInput!) {
  updateWebhookEndpoint(input: $input) { webhookEndpoint { ${ENDPOINT_FIELDS} } ${ERRORS} } }`;
const ROTATE = `mutation RotateWebhookEndpointSecret($input: WebhookEndpointIdInput!) {
  rotateWebhookEndpointSecret(input: $input) { webhookEndpoint { id secret } ${ERRORS} } }`;
const TEST = `mutation SendWebhookTestEvent($input: WebhookEndpointIdInput!) {
  sendWebhookTestEvent(input: $input) { delivery { id status } ${ERRORS} } }`;
const DELETE = `mutation DeleteWebhookEndpoint($input: WebhookEndpointIdInput!) {
  deleteWebhookEndpoint(input: $input) { webhookEndpoint { id url } ${ERRORS} } }`;
const PENDING = new Set(["PENDING", "SENDING"]);

export function eventName(kind) {
  return kind.toLowerCase().replace("_", ".");
}

function lower(value) {
  return (value || "").toLowerCase();
}

function fieldError(error, field) {
  return error && error.userErrors ? (error.userErrors.find((e) => e.field && e.field.split(".")[0] === field) || {}).message : null;
}

// The events as checkboxes, grouped; `prefix` keeps the ids unique per form.
function EventChoices({ prefix, chosen, onToggle, error }) {
  return html`<div class="event-groups" aria-describedby=${`${prefix}-events-error`}>
    ${GROUPS.map(([title, kinds]) => html`<fieldset class="events">
      <legend>${title}</legend>
      ${kinds.map((k) => html`<div class="check"><input type="checkbox" id=${`${prefix}-${k}`} checked=${chosen.includes(k)}
          onChange=${() => onToggle(k)} />
        <label for=${`${prefix}-${k}`}><code>${eventName(k)}</code> <span class="muted">${HELP[k]}</span></label></div>`)}
    </fieldset>`)}
    <p class="error field-error" id=${`${prefix}-events-error`}>${error || ""}</p>
  </div>`;
}

function toggled(list, kind) {
  return list.includes(kind) ? list.filter((k) => k !== kind) : [...list, kind];
}

export function WebhooksPage() {
  const [open, setOpen] = useState(null);
  const [created, setCreated] = useState(null);
  const [notice, setNotice] = useState("");
  const list = useLoad(async () => (await gql(LIST)).webhookEndpoints, []);
  const endpoints = list.data;
  const current = endpoints && endpoints.find((e) => e.id === open);
  return html`<${Page} title="Webhooks">
    <p>Viperatron POSTs each event you choose to your URL as it happens, signed with the endpoint's secret, and tries
      again (up to about a day) while your server does not answer 2xx.</p>
    <${TestKeyNote} what="endpoints" />
    <p role="status" class="ok" id="webhooks-status">${notice}</p>
    <${ErrorNote} error=${list.error} />
    ${endpoints && endpoints.length === 0 ? html`<${Empty} title="No webhook endpoints yet">
      <p>Add one below to hear about sends, bounces, complaints, opens and clicks without polling the API.</p><//>` : null}
    ${endpoints && endpoints.length ? html`<table class="list" id="endpoints"><caption class="sr-only">Webhook endpoints</caption>
      <thead><tr><th scope="col">URL</th><th scope="col">Events</th><th scope="col">State</th><th scope="col">Created</th>
        <th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${endpoints.map((e) => html`<tr id=${`endpoint-${e.id}`}>
        <td><code class="wrap">${e.url}</code>${e.description ? html`<br /><span class="muted">${e.description}</span>` : null}</td>
        <td><ul class="tags">${e.events.map((k) => html`<li>${eventName(k)}</li>`)}</ul></td>
        <td>${e.enabled ? html`<span class="badge badge-enabled">enabled</span>` : html`<span class="badge badge-disabled">disabled</span>`}</td>
        <td><${When} value=${e.createdAt} /></td>
        <td><button type="button" class="secondary small" aria-expanded=${open === e.id ? "true" : "false"} aria-controls="endpoint-detail"
          onClick=${() => setOpen(open === e.id ? null : e.id)}>${open === e.id ? "Close" : "Open"}<span class="sr-only"> ${e.url}</span></button></td>
      </tr>`)}</tbody></table>` : null}
    ${!endpoints && list.loading ? html`<p class="muted">Loading the endpoints…</p>` : null}
    ${created ? html`<div class="notice" role="status" id="new-endpoint-secret-box">
      <p><strong>Endpoint added: ${created.url}.</strong> Its signing secret (check the <code>Viperatron-Signature</code> header with it):</p>
      <p class="secret-line"><code id="new-endpoint-secret" tabindex="0">${created.secret || "(hidden from test keys)"}</code>
        ${created.secret ? html`<${CopyButton} text=${created.secret} label="Copy the signing secret" what="the secret" />` : null}</p>
    </div>` : null}
    ${current ? html`<${EndpointDetail} key=${current.id} endpoint=${current} onChange=${list.reload}
      onDeleted=${(url) => { setOpen(null); setCreated(null); setNotice(`The endpoint ${url} was deleted.`); list.reload(); }} />` : null}
    <${CreateForm} onCreated=${(e) => { setCreated(e); setOpen(e.id); setNotice(""); list.reload(); }} />
  <//>`;
}

const DEFAULT_EVENTS = ["MESSAGE_SENT", "MESSAGE_BOUNCED", "MESSAGE_COMPLAINED"];

function CreateForm({ onCreated }) {
  const [events, setEvents] = useState(DEFAULT_EVENTS);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const create = async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const f = Object.fromEntries(new FormData(form).entries());
    setError(null); setBusy(true);
    try {
      const payload = await mutate(CREATE, { input: { url: f.url.trim(), events, description: f.description.trim() } },
        "createWebhookEndpoint");
      form.reset();
      setEvents(DEFAULT_EVENTS);
      onCreated(payload.webhookEndpoint);
    } catch (e) { setError(e); }
    setBusy(false);
  };
  const urlError = fieldError(error, "url");
  const eventsError = fieldError(error, "events");
  return html`<h2 id="new-endpoint-heading">Add an endpoint</h2>
    <form class="stack" onSubmit=${create} aria-labelledby="new-endpoint-heading" id="new-endpoint">
      <div class="field"><label for="we-url">URL</label>
        <input id="we-url" name="url" type="url" required autocomplete="off"
          aria-describedby="we-url-hint we-url-error" aria-invalid=${urlError ? "true" : undefined} />
        <p class="hint muted" id="we-url-hint">Your server's http or https address; it must answer 2xx within 10 seconds.</p>
        <p class="error field-error" id="we-url-error">${urlError || ""}</p></div>
      <${EventChoices} prefix="we" chosen=${events} onToggle=${(k) => setEvents(toggled(events, k))} error=${eventsError} />
      <div class="field"><label for="we-description">Description</label>
        <input id="we-description" name="description" maxlength="500" placeholder="order system" /></div>
      <div><button type="submit" disabled=${busy || events.length === 0}>Add endpoint</button></div>
    </form>
    ${error && !urlError && !eventsError ? html`<${ErrorNote} error=${error} />` : null}`;
}

function EndpointDetail({ endpoint, onChange, onDeleted }) {
  const e = endpoint;
  const [error, setError] = useState(null);
  const [note, setNote] = useState("");
  const [editing, setEditing] = useState(false);
  const [confirm, setConfirm] = useState(null); // "rotate" | "delete"
  const [showSecret, setShowSecret] = useState(false);
  const [poll, setPoll] = useState(0);
  const log = useLoad(async () => {
    const found = (await gql(DELIVERIES, { id: e.id })).webhookEndpoint;
    const nodes = found ? found.deliveries.edges.map((x) => x.node) : [];
    setPoll(nodes.some((d) => PENDING.has(d.status)) ? 1000 : 0);
    return nodes;
  }, [e.id], { poll });
  const act = async (fn, done) => {
    setError(null); setNote("");
    try { await fn(); setNote(done); } catch (err) { setError(err); }
    setConfirm(null);
  };
  const test = () => act(async () => {
    await mutate(TEST, { input: { id: e.id } }, "sendWebhookTestEvent");
    setPoll(1000);
    log.reload();
  }, "A webhook.test event is on its way: see the delivery log below.");
  const rotate = () => act(async () => {
    await mutate(ROTATE, { input: { id: e.id } }, "rotateWebhookEndpointSecret");
    setShowSecret(true);
    onChange();
  }, "A new secret signs every call from now on (the old one no longer does).");
  const remove = async () => {
    setError(null);
    try {
      await mutate(DELETE, { input: { id: e.id } }, "deleteWebhookEndpoint");
      onDeleted(e.url);
    } catch (err) { setError(err); setConfirm(null); }
  };
  const deliveries = log.data;
  return html`<section class="detail" id="endpoint-detail" aria-labelledby="endpoint-heading">
    <h2 id="endpoint-heading">Endpoint <code class="wrap">${e.url}</code></h2>
    ${editing ? html`<${EditForm} endpoint=${e} onCancel=${() => setEditing(false)}
      onSaved=${() => { setEditing(false); setNote("Saved."); onChange(); }} />` : html`<dl class="facts">
      <dt>State</dt><dd id="endpoint-state">${e.enabled ? "enabled" : "disabled: no new events are queued"}</dd>
      <dt>Events</dt><dd>${e.events.map(eventName).join(", ")}</dd>
      <dt>Description</dt><dd>${e.description || html`<span class="muted">—</span>`}</dd>
      <dt>Signing secret</dt><dd>${e.secret == null ? html`<span class="muted">not shown to test keys</span>`
        : showSecret ? html`<span class="secret-line"><code id="endpoint-secret" tabindex="0">${e.secret}</code>
            <${CopyButton} text=${e.secret} label="Copy the signing secret" what="the secret" /></span>`
          : html`<button type="button" class="secondary small" onClick=${() => setShowSecret(true)}>Show secret</button>`}</dd>
      <dt>Updated</dt><dd><${When} value=${e.updatedAt} /></dd>
    </dl>`}
    ${editing ? null : html`<p class="actions-row">
      <button type="button" onClick=${test}>Send test event</button>
      <button type="button" class="secondary" onClick=${() => setEditing(true)}>Edit</button>
      <button type="button" class="secondary" onClick=${() => setConfirm("rotate")}>Rotate secret</button>
      <button type="button" class="secondary" onClick=${() => setConfirm("delete")}>Delete endpoint</button></p>`}
    ${confirm === "rotate" ? html`<${Confirm} label="Rotate the signing secret?">
      <p>Make a new signing secret? The old one stops working at once: calls (queued ones too) are signed with the new one,
        so your server must check with it.</p>
      <p><button type="button" class="danger small" onClick=${rotate}>Rotate the secret</button>
        <button type="button" class="secondary small" onClick=${() => setConfirm(null)}>Keep the secret</button></p><//>` : null}
    ${confirm === "delete" ? html`<${Confirm} label=${`Delete the endpoint ${e.url}?`}>
      <p>Delete this endpoint and its delivery log? It hears no more events.</p>
      <p><button type="button" class="danger small" onClick=${remove}>Delete for good</button>
        <button type="button" class="secondary small" onClick=${() => setConfirm(null)}>Keep it</button></p><//>` : null}
    <p role="status" class="ok" id="endpoint-status">${note}</p>
    <${ErrorNote} error=${error} />
    <h3 id="deliveries-heading">Delivery log <button type="button" class="secondary small" onClick=${log.reload}>Refresh</button></h3>
    <${ErrorNote} error=${log.error} />
    ${deliveries && deliveries.length === 0 ? html`<p class="muted" id="no-deliveries">Nothing sent yet. <strong>Send test event</strong> tries the endpoint now.</p>` : null}
    ${deliveries && deliveries.length ? html`<table class="list" id="deliveries" aria-labelledby="deliveries-heading">
      <thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last answer</th>
        <th scope="col">Created</th></tr></thead>
      <tbody>${deliveries.map((d) => html`<tr id=${`delivery-${d.id}`}>
        <td><code>${d.eventType}</code>
          <details class="payload"><summary>Payload</summary><${Code} label=${`Payload of ${d.eventType}`}>${JSON.stringify(d.payload, null, 2)}<//></details></td>
        <td><span class=${`badge badge-${lower(d.status)}`}>${lower(d.status)}</span></td>
        <td>${d.attempts}</td>
        <td>${d.lastDetail ? html`<code class="wrap">${d.lastDetail}</code>` : html`<span class="muted">—</span>`}</td>
        <td><${When} value=${d.createdAt} />${d.deliveredAt ? html`<br /><span class="muted">delivered <${When} value=${d.deliveredAt} /></span>` : null}</td>
      </tr>`)}</tbody></table>` : null}
  </section>`;
}

function EditForm({ endpoint, onSaved, onCancel }) {
  const [events, setEvents] = useState(endpoint.events);
  // Held in state, not left in the DOM: re-rendering (toggling an event) sets an input's
  // value and a checkbox's checked back to the props it is given.
  const [url, setUrl] = useState(endpoint.url);
  const [description, setDescription] = useState(endpoint.description || "");
  const [enabled, setEnabled] = useState(endpoint.enabled);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const save = async (event) => {
    event.preventDefault();
    setError(null); setBusy(true);
    try {
      await mutate(UPDATE, { input: { id: endpoint.id, url: url.trim(), events, description: description.trim(),
        enabled } }, "updateWebhookEndpoint");
      setBusy(false);
      onSaved();
      return;
    } catch (e) { setError(e); }
    setBusy(false);
  };
  const urlError = fieldError(error, "url");
  const eventsError = fieldError(error, "events");
  return html`<form class="stack" onSubmit=${save} aria-label="Edit the endpoint" id="edit-endpoint">
    <div class="field"><label for="ee-url">URL</label>
      <input id="ee-url" name="url" type="url" required value=${url} onInput=${(e) => setUrl(e.currentTarget.value)}
        aria-describedby="ee-url-error"
        aria-invalid=${urlError ? "true" : undefined} />
      <p class="error field-error" id="ee-url-error">${urlError || ""}</p></div>
    <${EventChoices} prefix="ee" chosen=${events} onToggle=${(k) => setEvents(toggled(events, k))} error=${eventsError} />
    <div class="field"><label for="ee-description">Description</label>
      <input id="ee-description" name="description" maxlength="500" value=${description}
        onInput=${(e) => setDescription(e.currentTarget.value)} /></div>
    <div class="check"><input type="checkbox" id="ee-enabled" name="enabled" checked=${enabled}
      onChange=${(e) => setEnabled(e.currentTarget.checked)} aria-describedby="ee-enabled-hint" />
      <label for="ee-enabled">Enabled</label> <span class="muted" id="ee-enabled-hint">(when off, no new events are queued; queued ones still go)</span></div>
    <div><button type="submit" disabled=${busy || events.length === 0}>Save endpoint</button>
      <button type="button" class="secondary" onClick=${onCancel}>Cancel</button></div>
    ${error && !urlError && !eventsError ? html`<${ErrorNote} error=${error} />` : null}
  </form>`;
}
