import { useState } from "preact/hooks";
import { gql, lastCreatedKey, mutate, storedKey } from "./api.js";
import { Code, Empty, ErrorNote, More, Page, Status, Tags, When, html, localDay, useLoad, usePages } from "./ui.js";

const STATUSES = ["queued", "sending", "sent", "deferred", "failed", "suppressed", "canceled", "bounced", "complained"];
const LIST = `query Messages($after: String, $filter: MessageFilter) {
  messages(first: 25, after: $after, filter: $filter) {
    edges { node { id status to subject tags sendAt createdAt sandbox } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const ONE = `query Message($id: ID!) {
  message(id: $id) {
    id status to cc bcc replyTo from subject html text tags metadata sandbox messageIdHeader
    sendAt attempts lastReply sentAt createdAt updatedAt
    attachments { filename contentType size }
    events { status detail at }
    engagement { opens clicks firstOpenedAt firstClickedAt }
  }
}`;
const CANCEL = `mutation Cancel($input: CancelMessageInput!) {
  cancelMessage(input: $input) { message { id status } userErrors { field message code } }
}`;

export function sendCurl(key) {
  const body = JSON.stringify({
    from: "hello@acme.com", to: ["customer@example.com"], subject: "Hello from Viperatron",
    html: "<p>It works!</p>",
  });
  return `curl -X POST ${location.origin}/api/v1/delivery/send \\
  -H "Authorization: Bearer ${key || "et_live_YOUR_KEY"}" \\
  -H "Content-Type: application/json" \\
  -d '${body}'`;
}

export function MessagesPage() {
  const [filter, setFilter] = useState({});
  const pages = usePages(async (after) => (await gql(LIST, { after, filter })).messages, [JSON.stringify(filter)]);
  const apply = (event) => {
    event.preventDefault();
    const f = Object.fromEntries(new FormData(event.currentTarget).entries());
    const next = {};
    if (f.status) next.status = f.status;
    if (f.to.trim()) next.to = f.to.trim();
    if (f.tag.trim()) next.tag = f.tag.trim();
    if (f.since) next.since = localDay(f.since);
    if (f.until) next.until = localDay(f.until, 1);
    setFilter(next);
  };
  const filtered = Object.keys(filter).length > 0;
  const key = storedKey() || lastCreatedKey();
  return html`<${Page} title="Messages" actions=${html`<button type="button" class="secondary" onClick=${pages.reload}>Refresh</button>`}>
    <form class="filters" onSubmit=${apply} aria-label="Filter messages">
      <div class="field"><label for="m-status">Status</label>
        <select id="m-status" name="status"><option value="">Any</option>${STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}</select></div>
      <div class="field"><label for="m-to">Recipient</label><input id="m-to" name="to" type="search" placeholder="someone@example.com" /></div>
      <div class="field"><label for="m-tag">Tag</label><input id="m-tag" name="tag" type="search" /></div>
      <div class="field"><label for="m-since">From</label><input id="m-since" name="since" type="date" /></div>
      <div class="field"><label for="m-until">To</label><input id="m-until" name="until" type="date" /></div>
      <div class="field"><button type="submit">Filter</button></div>
    </form>
    <${ErrorNote} error=${pages.error} />
    ${pages.nodes && pages.nodes.length === 0 && !filtered ? html`<${Empty} title="No messages yet">
      ${key ? html`<p>Send your first email with your key, then watch it here:</p>`
        : html`<p id="needs-key">Sending takes an API key: <a href="/dashboard/settings/api-keys">create one in Settings → API keys</a>
          (owners and admins), then use it in place of <code>et_live_YOUR_KEY</code>:</p>`}
      <${Code} label="Send a message with curl">${sendCurl(key)}<//>
      <p>Or from <a href="/graphql">GraphiQL</a> with the <code>sendEmail</code> mutation.</p>
    <//>` : null}
    ${pages.nodes && pages.nodes.length === 0 && filtered ? html`<p class="muted">No message matches these filters.</p>` : null}
    ${pages.nodes && pages.nodes.length ? html`<table class="list">
      <caption class="sr-only">Messages, newest first</caption>
      <thead><tr><th scope="col">Subject</th><th scope="col">To</th><th scope="col">Status</th><th scope="col">Tags</th><th scope="col">Created</th></tr></thead>
      <tbody>${pages.nodes.map((m) => html`<tr>
        <td><a href=${`/dashboard/messages/${encodeURIComponent(m.id)}`}>${m.subject || "(no subject)"}</a></td>
        <td>${m.to.join(", ")}</td>
        <td><${Status} value=${m.status} />${m.sandbox ? html` <span class="badge">sandbox</span>` : null}</td>
        <td><${Tags} tags=${m.tags} /></td>
        <td><${When} value=${m.createdAt} /></td>
      </tr>`)}</tbody>
    </table>` : null}
    <${More} pageInfo=${pages.pageInfo} onMore=${pages.more} loading=${pages.loading} />
  <//>`;
}

// No request leaves the preview (tracking pixels, remote fonts): only inline styles and data: images.
const PREVIEW_CSP = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`;
const PENDING = new Set(["queued", "sending", "deferred"]);

// Opens and clicks of a tracked message, once there are any (docs/tracking.md).
function Engagement({ value }) {
  if (!value || (!value.opens && !value.clicks)) return null;
  return html`<h2 id="engagement-heading">Engagement</h2>
    <dl class="facts" id="engagement" aria-labelledby="engagement-heading">
      <dt>Opens</dt><dd id="engagement-opens">${value.opens}</dd>
      <dt>First opened</dt><dd><${When} value=${value.firstOpenedAt} /></dd>
      <dt>Clicks</dt><dd id="engagement-clicks">${value.clicks}</dd>
      <dt>First clicked</dt><dd><${When} value=${value.firstClickedAt} /></dd>
    </dl>
    <p class="hint muted">Opens include machines that load every image (Apple Mail Privacy Protection): clicks say more.</p>`;
}

export function MessagePage({ id }) {
  const [poll, setPoll] = useState(2000);
  const [cancelError, setCancelError] = useState(null);
  const one = useLoad(async () => {
    const m = (await gql(ONE, { id })).message;
    setPoll(m && PENDING.has(m.status) ? 2000 : 0);
    return m;
  }, [id], { poll });
  const m = one.data;
  const cancel = async () => {
    setCancelError(null);
    try { await mutate(CANCEL, { input: { id } }, "cancelMessage"); } catch (error) { setCancelError(error); }
    one.reload();
  };
  if (!m) {
    return html`<${Page} title="Message"><${ErrorNote} error=${one.error} />
      ${one.loading ? html`<p class="muted">Loading…</p>` : html`<p>No message ${id} in your organization. <a href="/dashboard/messages">All messages</a></p>`}<//>`;
  }
  const scheduled = m.status === "queued" && m.sendAt && new Date(m.sendAt) > new Date();
  return html`<${Page} title=${m.subject || "(no subject)"} actions=${html`<a href="/dashboard/messages">← All messages</a>`}>
    <${ErrorNote} error=${one.error} />
    <dl class="facts">
      <dt>Status</dt><dd><span id="message-status"><${Status} value=${m.status} /></span>${m.sandbox ? html` <span class="badge">sandbox</span>` : null}</dd>
      <dt>ID</dt><dd><code>${m.id}</code></dd>
      <dt>From</dt><dd>${m.from}</dd>
      <dt>To</dt><dd>${m.to.join(", ")}</dd>
      ${m.cc.length ? html`<dt>Cc</dt><dd>${m.cc.join(", ")}</dd>` : null}
      <dt>Tags</dt><dd><${Tags} tags=${m.tags} /></dd>
      <dt>Scheduled for</dt><dd><${When} value=${m.sendAt} /></dd>
      <dt>Sent</dt><dd><${When} value=${m.sentAt} /></dd>
      <dt>Attempts</dt><dd>${m.attempts}</dd>
      <dt>Last SMTP reply</dt><dd id="last-reply">${m.lastReply ? html`<code>${m.lastReply}</code>` : html`<span class="muted">none yet</span>`}</dd>
      <dt>Message-ID</dt><dd><code>${m.messageIdHeader}</code></dd>
    </dl>
    <${Engagement} value=${m.engagement} />
    ${scheduled ? html`<p><button type="button" class="danger" onClick=${cancel}>Cancel this scheduled message</button></p>` : null}
    <${ErrorNote} error=${cancelError} />
    <h2>Timeline</h2>
    <ol class="timeline" id="timeline">
      ${m.events.map((e) => html`<li><${Status} value=${e.status} /> <${When} value=${e.at} />${e.detail ? html` — <span>${e.detail}</span>` : null}</li>`)}
    </ol>
    <h2>Content</h2>
    ${m.html ? html`<iframe class="preview" title="The message's HTML (sandboxed: no scripts, no links, no requests out)" sandbox="" srcdoc=${PREVIEW_CSP + m.html}></iframe>`
      : html`<p class="muted">No HTML part.</p>`}
    ${m.text ? html`<details><summary>Text part</summary><pre class="text">${m.text}</pre></details>` : null}
    ${m.attachments.length ? html`<h3>Attachments</h3><ul>${m.attachments.map((a) => html`<li>${a.filename} (${a.contentType}, ${a.size} bytes)</li>`)}</ul>` : null}
  <//>`;
}
