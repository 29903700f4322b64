import uPlot from "uplot";
import { useEffect, useRef, useState } from "preact/hooks";
import { gql } from "./api.js";
import { Empty, ErrorNote, Page, html, useLoad } from "./ui.js";

const QUERY = `query Analytics($from: DateTime!, $to: DateTime!, $tz: String!) {
  analytics(from: $from, to: $to, granularity: "day", timezone: $tz) {
    messages { total deliveryRate medianSecondsToSend buckets { start total statuses { status count } } }
    events { buckets { start types { eventType count values { currency count sum } } } totals { eventType count values { currency count sum } } }
    topContacts(limit: 10) { currency contacts { contactId email total events } }
    revenueByAutomation { currency automations { automationId name total events contacts sent } }
  }
}`;
const STATUS_COLORS = { queued: "#6b7280", sending: "#2563eb", sent: "#0b6e4f", deferred: "#b45309", failed: "#b42318", suppressed: "#7c3aed", canceled: "#374151", bounced: "#9a3412", complained: "#be185d" };
const PALETTE = ["#0b6e4f", "#2563eb", "#b45309", "#7c3aed", "#b42318", "#0e7490", "#be185d", "#4d7c0f"];
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6];
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

// A uPlot chart of daily series, with the same figures as a table for screen readers.
function Chart({ id, title, days, series, counts = false }) {
  const box = useRef(null);
  useEffect(() => {
    if (!box.current) return undefined;
    const width = Math.max(320, box.current.clientWidth || 640);
    const plot = new uPlot({
      width, height: 240, series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: s.color || PALETTE[i % PALETTE.length], width: 2, points: { show: true, size: 5 } }))],
      axes: [{}, { size: 56, ...(counts ? { incrs: COUNT_STEPS, values: (_, ticks) => ticks.map((t) => String(t)) } : {}) }], scales: { x: { time: true } }, legend: { live: false },
    }, [days.map((d) => d.epoch), ...series.map((s) => s.values)], box.current);
    const canvas = box.current.querySelector("canvas");
    if (canvas) { canvas.setAttribute("role", "img"); canvas.setAttribute("aria-label", `${title}: chart; the same figures are in the table below`); }
    return () => plot.destroy();
  }, [JSON.stringify([days, series])]);
  return html`<figure class="chart" id=${id} aria-labelledby=${`${id}-caption`}>
    <figcaption id=${`${id}-caption`}>${title}</figcaption>
    <div ref=${box} class="plot"></div>
    <details><summary>${title}: the figures</summary>
      <table class="list"><thead><tr><th scope="col">Day</th>${series.map((s) => html`<th scope="col">${s.label}</th>`)}</tr></thead>
      <tbody>${days.map((d, i) => html`<tr><th scope="row">${d.label}</th>${series.map((s) => html`<td>${s.values[i]}</td>`)}</tr>`)}</tbody></table>
    </details>
  </figure>`;
}

function dayOf(start) {
  const date = new Date(start);
  return { epoch: date.getTime() / 1000, label: date.toLocaleDateString() };
}

export function AnalyticsPage() {
  const [days, setDays] = useState(30);
  const data = useLoad(async () => {
    const now = new Date();
    const to = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);  // local midnight tonight
    const from = new Date(to.getFullYear(), to.getMonth(), to.getDate() - days);
    return (await gql(QUERY, { from: from.toISOString(), to: to.toISOString(), tz: ZONE })).analytics;
  }, [days]);
  const a = data.data;
  let body = null;
  if (a) {
    const mDays = a.messages.buckets.map((b) => dayOf(b.start));
    const statuses = Object.keys(STATUS_COLORS).filter((s) => a.messages.buckets.some((b) => b.statuses.some((x) => x.status === s && x.count)));
    const delivery = statuses.map((s) => ({ label: s, color: STATUS_COLORS[s], values: a.messages.buckets.map((b) => (b.statuses.find((x) => x.status === s) || { count: 0 }).count) }));
    const eDays = a.events.buckets.map((b) => dayOf(b.start));
    const types = a.events.totals.map((t) => t.eventType);
    const events = types.map((t) => ({ label: t, values: a.events.buckets.map((b) => (b.types.find((x) => x.eventType === t) || { count: 0 }).count) }));
    const currencies = [...new Set(a.events.totals.flatMap((t) => t.values.map((v) => v.currency)))];
    const revenue = currencies.map((c) => ({ label: c, values: a.events.buckets.map((b) => b.types.flatMap((t) => t.values).filter((v) => v.currency === c).reduce((sum, v) => sum + Number(v.sum), 0)) }));
    const nothing = a.messages.total === 0 && types.length === 0;
    body = html`
      ${nothing ? html`<${Empty} title="Nothing to chart yet"><p>Send a message (see <a href="/dashboard/messages">Messages</a>) or an event, and the charts fill in.</p><//>` : null}
      <dl class="facts counts">
        <dt>Messages</dt><dd id="messages-total">${a.messages.total}</dd>
        <dt>Delivery rate</dt><dd>${a.messages.deliveryRate == null ? "—" : `${Math.round(a.messages.deliveryRate * 1000) / 10}%`}</dd>
        <dt>Median time to send</dt><dd>${a.messages.medianSecondsToSend == null ? "—" : `${a.messages.medianSecondsToSend.toFixed(1)} s`}</dd>
      </dl>
      ${statuses.length ? html`<${Chart} id="chart-deliveries" title="Deliveries per day by status" days=${mDays} series=${delivery} counts />` : html`<p class="muted">No messages in this window.</p>`}
      ${events.length ? html`<${Chart} id="chart-events" title="Events per day by type" days=${eDays} series=${events} counts />` : html`<p class="muted">No events in this window.</p>`}
      ${revenue.length ? html`<${Chart} id="chart-revenue" title="Revenue per day by currency" days=${eDays} series=${revenue} />` : null}
      <div class="two">
        <section aria-labelledby="top-heading"><h2 id="top-heading">Top contacts by revenue</h2>
          ${a.topContacts.length ? a.topContacts.map((c) => html`<table class="list"><caption>${c.currency}</caption>
            <thead><tr><th scope="col">Contact</th><th scope="col">Revenue</th><th scope="col">Events</th></tr></thead>
            <tbody>${c.contacts.map((x) => html`<tr><td><a href=${`/dashboard/contacts/${encodeURIComponent(x.contactId)}`}>${x.email}</a></td><td>${x.total} ${c.currency}</td><td>${x.events}</td></tr>`)}</tbody></table>`)
            : html`<p class="muted">No valued events yet: send events with a <code>value</code> and <code>currency</code>.</p>`}
        </section>
        <section aria-labelledby="auto-heading"><h2 id="auto-heading">Revenue per automation</h2>
          ${a.revenueByAutomation.length ? a.revenueByAutomation.map((c) => html`<table class="list"><caption>${c.currency}</caption>
            <thead><tr><th scope="col">Automation</th><th scope="col">Revenue</th><th scope="col">Events</th><th scope="col">Emails sent</th></tr></thead>
            <tbody>${c.automations.map((x) => html`<tr><td><a href=${`/dashboard/automations/${encodeURIComponent(x.automationId)}`}>${x.name}</a></td><td>${x.total} ${c.currency}</td><td>${x.events}</td><td>${x.sent}</td></tr>`)}</tbody></table>`)
            : html`<p class="muted">No revenue attributed to an automation yet (an event is credited to the automation whose email reached its contact last, within 7 days).</p>`}
        </section>
      </div>`;
  }
  return html`<${Page} title="Analytics">
    <form class="filters" onSubmit=${(e) => e.preventDefault()}>
      <div class="field"><label for="a-days">Window</label>
        <select id="a-days" value=${days} onChange=${(e) => setDays(Number(e.currentTarget.value))}>
          <option value="7">Last 7 days</option><option value="30">Last 30 days</option><option value="90">Last 90 days</option></select></div>
      <p class="muted">Days in your time zone, ${ZONE}.</p>
    </form>
    <${ErrorNote} error=${data.error} />
    ${body || (data.loading ? html`<p class="muted">Loading…</p>` : null)}
  <//>`;
}
