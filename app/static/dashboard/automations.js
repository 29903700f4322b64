import { useState } from "preact/hooks";
import { gql, mutate } from "./api.js";
import { Empty, ErrorNote, Page, Status, When, html, navigate, useLoad } from "./ui.js";

const STEP_FIELDS = `steps {
  __typename
  ... on SendEmailStep { from subject html text }
  ... on WaitStep { seconds }
  ... on AddTagStep { tag }
  ... on RemoveTagStep { tag }
  ... on SetCustomFieldStep { name value }
  ... on WebhookStep { url }
}`;
const LIST = `query Automations { automations(first: 100) { edges { node {
  id name enabled sandbox createdAt trigger { eventType } ${STEP_FIELDS}
} } } }`;
const ONE = `query Automation($id: ID!) { automation(id: $id) {
  id name enabled sandbox webhookSecret createdAt updatedAt
  trigger { eventType conditions { field op value } }
  ${STEP_FIELDS}
  runs(first: 20) { edges { node { id status currentStep dueAt attempts error sandbox contactId eventId createdAt
    steps { stepIndex type status detail at } } } }
} }`;
const PAYLOAD = "automation { id enabled webhookSecret } userErrors { field message code }";
const CREATE = `mutation Create($input: AutomationInput!) { createAutomation(input: $input) { ${PAYLOAD} } }`;
const UPDATE = `mutation Update($input: UpdateAutomationInput!) { updateAutomation(input: $input) { ${PAYLOAD} } }`;
const ENABLE = `mutation Enable($input: SetAutomationEnabledInput!) { setAutomationEnabled(input: $input) { ${PAYLOAD} } }`;
const ROTATE = `mutation Rotate($input: RotateAutomationWebhookSecretInput!) { rotateAutomationWebhookSecret(input: $input) { ${PAYLOAD} } }`;

const KINDS = {
  sendEmail: { label: "Send an email", typename: "SendEmailStep", fields: [["from", "From", "email"], ["subject", "Subject"], ["html", "HTML", "textarea"], ["text", "Text", "textarea"]] },
  wait: { label: "Wait", typename: "WaitStep", fields: [["seconds", "Seconds (1 s to 90 days)", "number"]] },
  addTag: { label: "Add a tag", typename: "AddTagStep", fields: [["tag", "Tag"]] },
  removeTag: { label: "Remove a tag", typename: "RemoveTagStep", fields: [["tag", "Tag"]] },
  setCustomField: { label: "Set a custom field", typename: "SetCustomFieldStep", fields: [["name", "Field name"], ["value", "Value (JSON; null removes it)", "json"]] },
  webhook: { label: "Call a webhook", typename: "WebhookStep", fields: [["url", "URL", "url"]] },
};
const KIND_OF = Object.fromEntries(Object.entries(KINDS).map(([kind, k]) => [k.typename, kind]));
const OPS = ["EQ", "NE", "GT", "GTE", "LT", "LTE", "IN", "EXISTS"];

function describe(step) {
  const kind = KIND_OF[step.__typename];
  switch (kind) {
    case "sendEmail": return `Send “${step.subject}” from ${step.from}`;
    case "wait": return `Wait ${step.seconds} s`;
    case "addTag": return `Add tag ${step.tag}`;
    case "removeTag": return `Remove tag ${step.tag}`;
    case "setCustomField": return `Set ${step.name} = ${JSON.stringify(step.value)}`;
    case "webhook": return `POST ${step.url}`;
    default: return step.__typename;
  }
}

export function AutomationsPage() {
  const list = useLoad(async () => (await gql(LIST)).automations.edges.map((e) => e.node), []);
  return html`<${Page} title="Automations" actions=${html`<a class="button" href="/dashboard/automations/new">New automation</a>`}>
    <${ErrorNote} error=${list.error} />
    ${list.data && list.data.length === 0 ? html`<${Empty} title="No automations yet">
      <p>An automation runs ordered steps (send an email, wait, tag, set a field, call a webhook) for each event of a type you choose,
      e.g. <code>order.placed</code>. <a href="/dashboard/automations/new">Create your first automation</a>, then send an event.</p><//>` : null}
    ${list.data && list.data.length ? html`<table class="list"><caption class="sr-only">Automations, oldest first</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Trigger</th><th scope="col">Steps</th><th scope="col">State</th><th scope="col">Created</th></tr></thead>
      <tbody>${list.data.map((a) => html`<tr>
        <td><a href=${`/dashboard/automations/${encodeURIComponent(a.id)}`}>${a.name}</a>${a.sandbox ? html` <span class="badge">sandbox</span>` : null}</td>
        <td><code>${a.trigger.eventType}</code></td><td>${a.steps.map(describe).join(" → ")}</td>
        <td><span class=${`badge ${a.enabled ? "badge-sent" : "badge-canceled"}`}>${a.enabled ? "enabled" : "disabled"}</span></td>
        <td><${When} value=${a.createdAt} /></td></tr>`)}</tbody></table>` : null}
  <//>`;
}

export function AutomationPage({ id }) {
  const [actionError, setActionError] = useState(null);
  const [secretShown, setSecretShown] = useState(false);
  const one = useLoad(async () => (await gql(ONE, { id })).automation, [id], { poll: 10000 });
  const a = one.data;
  if (!a) {
    return html`<${Page} title="Automation"><${ErrorNote} error=${one.error} />
      ${one.loading ? html`<p class="muted">Loading…</p>` : html`<p>No automation ${id}. <a href="/dashboard/automations">All automations</a></p>`}<//>`;
  }
  const act = async (query, input, field) => {
    setActionError(null);
    try { await mutate(query, { input }, field); } catch (e) { setActionError(e); }
    one.reload();
  };
  const runs = a.runs.edges.map((e) => e.node);
  return html`<${Page} title=${a.name} actions=${html`<a href="/dashboard/automations">← All automations</a>
      <a class="button secondary" href=${`/dashboard/automations/${encodeURIComponent(a.id)}/edit`}>Edit</a>`}>
    <dl class="facts">
      <dt>State</dt><dd><span id="automation-state" class=${`badge ${a.enabled ? "badge-sent" : "badge-canceled"}`}>${a.enabled ? "enabled" : "disabled"}</span>
        ${" "}<button type="button" class="secondary small" onClick=${() => act(ENABLE, { id, enabled: !a.enabled }, "setAutomationEnabled")}>${a.enabled ? "Disable" : "Enable"}</button></dd>
      <dt>Trigger</dt><dd><code>${a.trigger.eventType}</code>${a.trigger.conditions.map((c) => html` · <code>${c.field} ${c.op} ${JSON.stringify(c.value)}</code>`)}</dd>
      <dt>Steps</dt><dd><ol class="steps">${a.steps.map((s) => html`<li>${describe(s)}</li>`)}</ol></dd>
      <dt>Webhook secret</dt><dd>${a.webhookSecret == null ? html`<span class="muted">hidden from this key</span>` : html`
        <code id="webhook-secret">${secretShown ? a.webhookSecret : `${a.webhookSecret.slice(0, 8)}…`}</code>
        ${" "}<button type="button" class="secondary small" onClick=${() => setSecretShown(!secretShown)} aria-pressed=${secretShown}>${secretShown ? "Hide" : "Show"}</button>`}
        ${" "}<button type="button" class="secondary small" onClick=${() => { setSecretShown(true); act(ROTATE, { id }, "rotateAutomationWebhookSecret"); }}>Rotate</button></dd>
      <dt>Updated</dt><dd><${When} value=${a.updatedAt} /></dd>
    </dl>
    <${ErrorNote} error=${actionError || one.error} />
    <h2>Runs <button type="button" class="secondary small" onClick=${one.reload}>Refresh</button></h2>
    ${runs.length === 0 ? html`<p class="muted">No runs yet: send a <code>${a.trigger.eventType}</code> event (REST <code>POST /api/v1/pipelines/events</code> or GraphQL <code>ingestEvent</code>).</p>` : html`
    <table class="list" id="runs"><caption class="sr-only">Runs, newest first, with each step's outcome</caption>
      <thead><tr><th scope="col">Started</th><th scope="col">Status</th><th scope="col">Contact</th><th scope="col">Step outcomes</th></tr></thead>
      <tbody>${runs.map((r) => html`<tr>
        <td><${When} value=${r.createdAt} /></td>
        <td><${Status} value=${r.status} />${r.sandbox ? html` <span class="badge">sandbox</span>` : null}${r.error ? html`<br /><span class="error">${r.error}</span>` : null}</td>
        <td>${r.contactId ? html`<a href=${`/dashboard/contacts/${encodeURIComponent(r.contactId)}`}>${r.contactId}</a>` : html`<span class="muted">erased</span>`}</td>
        <td><ol class="steps">${r.steps.map((s) => html`<li><code>${s.stepIndex + 1}. ${s.type}</code> <${Status} value=${s.status} /> ${s.detail} <${When} value=${s.at} /></li>`)}</ol>
          ${r.status === "waiting" ? html`<span class="muted">resumes <${When} value=${r.dueAt} /></span>` : null}</td>
      </tr>`)}</tbody></table>`}
  <//>`;
}

// --- the form -------------------------------------------------------------------------------

function blankStep(kind) {
  return { kind, values: Object.fromEntries(KINDS[kind].fields.map(([name, , type]) => [name, type === "json" ? "null" : ""])) };
}
function stepOf(step) {
  const kind = KIND_OF[step.__typename];
  const values = {};
  for (const [name, , type] of KINDS[kind].fields) values[name] = type === "json" ? JSON.stringify(step[name]) : (step[name] ?? "");
  return { kind, values };
}
function parseJson(text, what) {
  try { return JSON.parse(text); } catch { throw new Error(`${what}: not valid JSON (write strings in quotes, e.g. "pro").`); }
}
function stepInput(step, index) {
  const values = {};
  for (const [name, label, type] of KINDS[step.kind].fields) {
    const raw = step.values[name];
    if (type === "json") values[name] = parseJson(raw || "null", `Step ${index + 1} ${label}`);
    else if (type === "number") values[name] = Number(raw);
    else if (raw !== "" || (name !== "html" && name !== "text")) values[name] = raw;
  }
  return { [step.kind]: values };
}
function conditionValue(c) {
  if (c.op === "EXISTS") return c.value !== "false";
  const text = c.value.trim();
  try { return JSON.parse(text); } catch { return text; }  // a bare word is a string
}

export function AutomationForm({ id = null }) {
  const existing = useLoad(async () => (id ? (await gql(ONE, { id })).automation : null), [id]);
  if (id && !existing.data) return html`<${Page} title="Edit automation"><${ErrorNote} error=${existing.error} />${existing.loading ? html`<p class="muted">Loading…</p>` : null}<//>`;
  return html`<${Editor} automation=${existing.data} />`;
}

function Editor({ automation }) {
  const [name, setName] = useState(automation ? automation.name : "");
  const [enabled, setEnabled] = useState(automation ? automation.enabled : true);
  const [eventType, setEventType] = useState(automation ? automation.trigger.eventType : "");
  const [conditions, setConditions] = useState(automation ? automation.trigger.conditions.map((c) => ({ field: c.field, op: c.op, value: c.value == null ? "" : JSON.stringify(c.value) })) : []);
  const [steps, setSteps] = useState(automation ? automation.steps.map(stepOf) : [blankStep("sendEmail")]);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const setStep = (i, change) => setSteps(steps.map((s, j) => (j === i ? change(s) : s)));
  const move = (i, by) => { const next = [...steps]; [next[i], next[i + by]] = [next[i + by], next[i]]; setSteps(next); };
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    let input;
    try {
      input = {
        name: name.trim(), enabled,
        trigger: { eventType: eventType.trim(), conditions: conditions.map((c) => ({ field: c.field.trim(), op: c.op, value: conditionValue(c) })) },
        steps: steps.map(stepInput),
      };
    } catch (e) { setError(e); return; }
    setBusy(true);
    try {
      const payload = automation
        ? await mutate(UPDATE, { input: { id: automation.id, ...input } }, "updateAutomation")
        : await mutate(CREATE, { input }, "createAutomation");
      navigate(`/dashboard/automations/${encodeURIComponent(payload.automation.id)}`);
    } catch (e) { setError(e); } finally { setBusy(false); }
  };

  return html`<${Page} title=${automation ? `Edit ${automation.name}` : "New automation"}>
    <form class="stack automation-form" onSubmit=${submit}>
      <div class="row">
        <div class="field"><label for="a-name">Name</label><input id="a-name" required value=${name} onInput=${(e) => setName(e.currentTarget.value)} /></div>
        <p class="check"><input type="checkbox" id="a-enabled" checked=${enabled} onChange=${(e) => setEnabled(e.currentTarget.checked)} /> <label for="a-enabled">Enabled</label></p>
      </div>
      <fieldset><legend>Trigger</legend>
        <div class="field"><label for="a-event">Event type</label><input id="a-event" required placeholder="order.placed" value=${eventType} onInput=${(e) => setEventType(e.currentTarget.value)} /></div>
        ${conditions.map((c, i) => html`<div class="row condition" role="group" aria-label=${`Condition ${i + 1}`}>
          <div class="field"><label for=${`c${i}-field`}>Field</label><input id=${`c${i}-field`} required placeholder="properties.total" value=${c.field}
            onInput=${(e) => setConditions(conditions.map((x, j) => (j === i ? { ...x, field: e.currentTarget.value } : x)))} /></div>
          <div class="field"><label for=${`c${i}-op`}>Operator</label><select id=${`c${i}-op`} value=${c.op}
            onChange=${(e) => setConditions(conditions.map((x, j) => (j === i ? { ...x, op: e.currentTarget.value } : x)))}>${OPS.map((o) => html`<option value=${o}>${o}</option>`)}</select></div>
          <div class="field"><label for=${`c${i}-value`}>Value (JSON, or a word)</label><input id=${`c${i}-value`} value=${c.value}
            onInput=${(e) => setConditions(conditions.map((x, j) => (j === i ? { ...x, value: e.currentTarget.value } : x)))} /></div>
          <div class="field"><button type="button" class="secondary small" onClick=${() => setConditions(conditions.filter((_, j) => j !== i))}>Remove condition ${i + 1}</button></div>
        </div>`)}
        <p><button type="button" class="secondary small" onClick=${() => setConditions([...conditions, { field: "", op: "EQ", value: "" }])}>Add a condition</button></p>
      </fieldset>
      <fieldset><legend>Steps, in order</legend>
        <ol class="step-list">${steps.map((s, i) => html`<li><div class="step" role="group" aria-label=${`Step ${i + 1}`}>
          <div class="row">
            <div class="field"><label for=${`s${i}-kind`}>Step ${i + 1}</label>
              <select id=${`s${i}-kind`} value=${s.kind} onChange=${(e) => setStep(i, () => blankStep(e.currentTarget.value))}>
                ${Object.entries(KINDS).map(([kind, k]) => html`<option value=${kind}>${k.label}</option>`)}</select></div>
            <div class="field buttons">
              <button type="button" class="secondary small" disabled=${i === 0} onClick=${() => move(i, -1)} aria-label=${`Move step ${i + 1} up`}>↑</button>
              <button type="button" class="secondary small" disabled=${i === steps.length - 1} onClick=${() => move(i, 1)} aria-label=${`Move step ${i + 1} down`}>↓</button>
              <button type="button" class="secondary small" disabled=${steps.length === 1} onClick=${() => setSteps(steps.filter((_, j) => j !== i))}>Remove step ${i + 1}</button>
            </div>
          </div>
          ${KINDS[s.kind].fields.map(([name, label, type]) => {
            const fid = `s${i}-${name}`;
            const onInput = (e) => setStep(i, (x) => ({ ...x, values: { ...x.values, [name]: e.currentTarget.value } }));
            return html`<div class="field"><label for=${fid}>${label}</label>${type === "textarea"
              ? html`<textarea id=${fid} rows="3" value=${s.values[name]} onInput=${onInput}></textarea>`
              : html`<input id=${fid} type=${type === "number" ? "number" : type === "email" ? "email" : type === "url" ? "url" : "text"}
                  min=${type === "number" ? 1 : undefined} required=${name !== "value"} value=${s.values[name]} onInput=${onInput} />`}</div>`;
          })}
        </div></li>`)}</ol>
        <p><button type="button" class="secondary small" disabled=${steps.length >= 20} onClick=${() => setSteps([...steps, blankStep("addTag")])}>Add a step</button></p>
      </fieldset>
      <${ErrorNote} error=${error} />
      <p><button type="submit" disabled=${busy}>${automation ? "Save automation" : "Create automation"}</button>
        ${" "}<a href=${automation ? `/dashboard/automations/${encodeURIComponent(automation.id)}` : "/dashboard/automations"}>Cancel</a></p>
    </form>
  <//>`;
}
