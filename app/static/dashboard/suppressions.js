import { useState } from "preact/hooks";
import { gql, mutate } from "./api.js";
import { Empty, ErrorNote, More, Page, When, html, usePages } from "./ui.js";

const REASONS = ["MANUAL", "UNSUBSCRIBED", "BOUNCED", "COMPLAINED"];
const LIST = `query Suppressions($after: String, $filter: SuppressionFilter) {
  suppressions(first: 50, after: $after, filter: $filter) {
    edges { node { id email reason detail messageId createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const ADD = `mutation Add($input: AddSuppressionInput!) { addSuppression(input: $input) { created suppression { id } userErrors { field message code } } }`;
const REMOVE = `mutation Remove($input: RemoveSuppressionInput!) { removeSuppression(input: $input) { suppression { id } userErrors { field message code } } }`;

export function SuppressionsPage() {
  const [filter, setFilter] = useState({});
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState("");
  const pages = usePages(async (after) => (await gql(LIST, { after, filter })).suppressions, [JSON.stringify(filter)]);
  const search = (event) => {
    event.preventDefault();
    const f = Object.fromEntries(new FormData(event.currentTarget).entries());
    const next = {};
    if (f.email.trim()) next.email = f.email.trim();
    if (f.reason) next.reason = f.reason;
    setFilter(next);
  };
  const add = async (event) => {
    event.preventDefault();
    setError(null); setNotice("");
    const form = event.currentTarget;
    const f = Object.fromEntries(new FormData(form).entries());
    try {
      const payload = await mutate(ADD, { input: { email: f.email.trim(), reason: f.reason, detail: f.detail.trim() || null } }, "addSuppression");
      setNotice(payload.created ? `${f.email.trim()} is suppressed.` : `${f.email.trim()} was already suppressed.`);
      form.reset();
      pages.reload();
    } catch (e) { setError(e); }
  };
  const remove = async (email) => {
    setError(null); setNotice("");
    try { await mutate(REMOVE, { input: { email } }, "removeSuppression"); setNotice(`${email} can be emailed again.`); pages.reload(); } catch (e) { setError(e); }
  };
  return html`<${Page} title="Suppressions">
    <p>Addresses your organization never sends to: unsubscribes, hard bounces, complaints, and the ones you add.</p>
    <form class="filters" onSubmit=${add} aria-labelledby="add-heading">
      <h2 id="add-heading" class="sr-only">Add a suppression</h2>
      <div class="field"><label for="s-add-email">Email to suppress</label><input id="s-add-email" name="email" type="email" required /></div>
      <div class="field"><label for="s-add-reason">Reason</label><select id="s-add-reason" name="reason">${REASONS.map((r) => html`<option value=${r}>${r.toLowerCase()}</option>`)}</select></div>
      <div class="field"><label for="s-add-detail">Note</label><input id="s-add-detail" name="detail" /></div>
      <div class="field"><button type="submit">Suppress</button></div>
    </form>
    <p role="status" class="ok">${notice}</p>
    <${ErrorNote} error=${error || pages.error} />
    <form class="filters" role="search" onSubmit=${search} aria-label="Search suppressions">
      <div class="field"><label for="s-email">Email contains</label><input id="s-email" name="email" type="search" /></div>
      <div class="field"><label for="s-reason">Reason</label><select id="s-reason" name="reason"><option value="">Any</option>${REASONS.map((r) => html`<option value=${r}>${r.toLowerCase()}</option>`)}</select></div>
      <div class="field"><button type="submit" class="secondary">Search</button></div>
    </form>
    ${pages.nodes && pages.nodes.length === 0 ? html`<${Empty} title=${Object.keys(filter).length ? "No suppression matches" : "No suppressed addresses"}>
      <p>Bounces, complaints and unsubscribes are added here on their own; add an address above to stop emailing it.</p><//>` : null}
    ${pages.nodes && pages.nodes.length ? html`<table class="list" id="suppressions"><caption class="sr-only">Suppressed addresses</caption>
      <thead><tr><th scope="col">Email</th><th scope="col">Reason</th><th scope="col">Note</th><th scope="col">Since</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${pages.nodes.map((s) => html`<tr><td>${s.email}</td><td>${s.reason.toLowerCase()}</td>
        <td>${s.detail || html`<span class="muted">—</span>`}${s.messageId ? html` (<a href=${`/dashboard/messages/${encodeURIComponent(s.messageId)}`}>message</a>)` : null}</td>
        <td><${When} value=${s.createdAt} /></td>
        <td><button type="button" class="secondary small" onClick=${() => remove(s.email)} aria-label=${`Remove ${s.email}`}>Remove</button></td></tr>`)}</tbody></table>` : null}
    <${More} pageInfo=${pages.pageInfo} onMore=${pages.more} loading=${pages.loading} />
  <//>`;
}
