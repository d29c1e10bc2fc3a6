// AuditGen audit-log viewer. The page is served at {prefix}/, so every URL below is relative.
(function () {
  'use strict';

  const PAGE_SIZE = 50;

  const byId = (id) => document.getElementById(id);
  const form = byId('filter-form');
  const chainStatus = byId('chain-status');
  const statusRegion = byId('status');
  const countLine = byId('event-count');
  const rows = byId('events-body');
  const loadOlderButton = byId('load-older');
  const exportCsv = byId('export-csv');
  const exportJson = byId('export-json');
  const exportProof = byId('export-proof');
  const provenStatus = byId('proven-status');
  const dialog = byId('details-dialog');
  const detailsJson = byId('details-json');
  const closeButton = byId('details-close');

  // [input id, query parameter]; a comma-separated entry becomes repeated parameters.
  const DATE_FILTERS = [['filter-from', 'range_start'], ['filter-to', 'range_end']];
  const LIST_FILTERS = [
    ['filter-action', 'actions'],
    ['filter-actor-name', 'actor_names'],
    ['filter-actor-id', 'actor_ids'],
    ['filter-target', 'targets'],
  ];

  const KNOWN_FAILURES = {
    401: 'You are not signed in.',
    403: 'You do not have permission to view this audit log.',
    404: 'Not found: it does not exist or is not visible to you.',
  };

  let appliedQuery = ''; // encoded filters, fixed when Apply is pressed so paging and exports agree
  let nextBefore = null;
  let shownCount = 0;
  let loading = false;
  // Bumped whenever the list restarts, so late responses for an older filter set are dropped.
  let listGeneration = 0;
  let detailsRequest = 0;
  let detailsOpener = null;

  function encodePair(name, value) {
    return encodeURIComponent(name) + '=' + encodeURIComponent(value);
  }

  function joinQuery(...parts) {
    return parts.filter(Boolean).join('&');
  }

  function readFilters() {
    const parts = [];
    for (const [id, name] of DATE_FILTERS) {
      const value = byId(id).value;
      // datetime-local values carry no zone and parse as local time; the API wants UTC.
      const date = value ? new Date(value) : null;
      if (date && !Number.isNaN(date.getTime())) parts.push(encodePair(name, date.toISOString()));
    }
    for (const [id, name] of LIST_FILTERS) {
      for (const item of byId(id).value.split(',')) {
        const trimmed = item.trim();
        if (trimmed) parts.push(encodePair(name, trimmed));
      }
    }
    return joinQuery(...parts);
  }

  function showStatus(message, isError) {
    statusRegion.setAttribute('role', isError ? 'alert' : 'status');
    statusRegion.setAttribute('aria-live', isError ? 'assertive' : 'polite');
    statusRegion.classList.toggle('is-error', Boolean(isError));
    statusRegion.textContent = message;
  }

  async function describeFailure(response) {
    const known = KNOWN_FAILURES[response.status];
    let detail = '';
    if (!known) {
      try {
        // ASP.NET problem details carry a human-readable title/detail.
        const body = await response.json();
        detail = body.detail || body.title || '';
      } catch {
        // Not JSON; the generic message below is enough.
      }
    }
    const message = known || (typeof detail === 'string' && detail) || 'The server could not complete the request.';
    return message + ' (HTTP ' + response.status + ')';
  }

  async function getJson(url) {
    let response;
    try {
      response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    } catch {
      throw new Error('Could not reach the server. Check your connection and try again.');
    }
    if (!response.ok) throw new Error(await describeFailure(response));
    try {
      return await response.json();
    } catch {
      throw new Error('The server response could not be read as JSON.');
    }
  }

  function setBadge(state, text) {
    chainStatus.className = 'badge badge-' + state;
    chainStatus.textContent = text;
  }

  async function loadChainStatus() {
    setBadge('pending', 'Checking the audit log…');
    try {
      const result = await getJson('api/verify');
      if (result.intact) {
        setBadge('ok', 'Audit log verified at ' + formatUtc(result.checked_at));
      } else {
        setBadge('broken', 'Audit log BROKEN at ' + formatUtc(result.checked_at) +
          ': records were altered. Your operator can find where with auditgen verify.');
      }
      provenStatus.textContent = describeProven(result.proven);
    } catch (error) {
      setBadge('error', 'Could not check the audit log. ' + error.message);
    }
  }

  // How far this organization's own log is proven; nothing here counts other organizations' records.
  function describeProven(proven) {
    if (!proven) return 'No signed checkpoint covers your organization\'s events yet.';
    const first = 'The first ' + proven.records.toLocaleString('en-US') + ' records of your organization\'s log' +
      (proven.purged > 0 ? ' (the oldest ' + proven.purged.toLocaleString('en-US') + ' since removed by retention)' : '') +
      ' are proven by a checkpoint ';
    if (proven.cosigned_by.length === 0) {
      return first + (proven.witnessed ? 'its witnesses cosigned.' : 'the log signed, not yet cosigned by a witness.');
    }
    return first + 'cosigned by ' + proven.cosigned_by.map(c => c.witness + ' at ' + formatUtc(c.at)).join(', ') + '.';
  }

  function formatUtc(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return String(iso);
    return date.toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
  }

  function cell(label, ...content) {
    const td = document.createElement('td');
    td.setAttribute('data-label', label);
    td.append(...content); // strings become text nodes, never markup
    return td;
  }

  function renderRow(event) {
    const tr = document.createElement('tr');
    tr.setAttribute('data-testid', 'event-row');
    tr.setAttribute('data-event-id', event.id);

    const time = document.createElement('time');
    time.dateTime = event.occurred_at;
    time.textContent = formatUtc(event.occurred_at);

    const action = cell('Action', event.action);
    action.setAttribute('data-testid', 'event-action');
    if (event.rejection != null) {
      const tag = document.createElement('span');
      tag.className = 'tag-rejected';
      tag.textContent = 'rejected';
      action.append(' ', tag);
    }

    const actor = event.actor || {};
    const targets = (event.targets || []).map((t) => t.type + ':' + t.id).join(', ');

    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Details';
    button.setAttribute('data-testid', 'details-button');
    button.addEventListener('click', () => openDetails(event.id, button));
    const detailsCell = document.createElement('td');
    detailsCell.append(button);

    tr.append(
      cell('When', time),
      action,
      cell('Actor', actor.name || actor.id || '—'),
      cell('Targets', targets || '—'),
      detailsCell);
    return tr;
  }

  // before === null loads the first page and replaces the list; otherwise it appends older events.
  async function loadEvents(before) {
    const fresh = before === null;
    if (fresh) listGeneration += 1;
    const generation = listGeneration;
    loading = true;
    showStatus(fresh ? 'Loading events…' : 'Loading older events…');
    try {
      const query = joinQuery(appliedQuery, 'limit=' + PAGE_SIZE, fresh ? '' : encodePair('before', before));
      const page = await getJson('api/events?' + query);
      if (generation !== listGeneration) return;
      const added = (Array.isArray(page.data) ? page.data : []).map(renderRow);
      if (fresh) {
        rows.replaceChildren();
        shownCount = 0;
      }
      rows.append(...added);
      shownCount += added.length;
      nextBefore = page.next_before ?? null;
      // Load older is about to disappear; keep keyboard focus in the list instead of losing it.
      if (nextBefore === null && document.activeElement === loadOlderButton && added.length > 0) {
        added[0].querySelector('button').focus();
      }
      showStatus(shownCount === 0 ? 'No events match the current filters.' : '');
    } catch (error) {
      if (generation !== listGeneration) return;
      if (fresh) {
        rows.replaceChildren();
        shownCount = 0;
        nextBefore = null;
      }
      showStatus('Could not load events. ' + error.message, true);
    } finally {
      if (generation === listGeneration) {
        loading = false;
        countLine.textContent = 'Showing ' + shownCount + (shownCount === 1 ? ' event' : ' events');
        loadOlderButton.hidden = nextBefore === null;
      }
    }
  }

  function applyFilters() {
    appliedQuery = readFilters();
    exportCsv.href = 'api/export?' + joinQuery('format=csv', appliedQuery);
    exportJson.href = 'api/export?' + joinQuery('format=json', appliedQuery);
    exportProof.href = 'api/export?' + joinQuery('format=proof', appliedQuery);
    loadEvents(null);
  }

  async function openDetails(id, opener) {
    const request = ++detailsRequest;
    showStatus('Loading event details…');
    try {
      const record = await getJson('api/events/' + encodeURIComponent(id));
      if (request !== detailsRequest) return;
      detailsJson.textContent = JSON.stringify(record, null, 2);
      detailsJson.scrollTop = 0;
      detailsOpener = opener;
      showStatus('');
      if (!dialog.open) dialog.showModal();
      closeButton.focus();
    } catch (error) {
      if (request === detailsRequest) showStatus('Could not load event details. ' + error.message, true);
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    applyFilters();
  });

  byId('clear-filters').addEventListener('click', () => {
    form.reset();
    applyFilters();
  });

  loadOlderButton.addEventListener('click', () => {
    if (!loading && nextBefore !== null) loadEvents(nextBefore);
  });

  // Focus goes back to the button that opened the dialog, synchronously: the native 'close' event
  // is queued and may run after the next dialog has opened, and not every browser restores focus
  // (a mouse click does not even focus the button in Safari).
  function closeDetails() {
    const opener = detailsOpener;
    detailsOpener = null;
    if (dialog.open) dialog.close();
    if (opener && opener.isConnected) opener.focus();
  }

  closeButton.addEventListener('click', closeDetails);

  dialog.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    e.preventDefault(); // the browser's own Escape handling would close without restoring focus
    closeDetails();
  });

  // Any other way the dialog closes (a browser close request without a key press).
  dialog.addEventListener('close', () => {
    if (!dialog.open && detailsOpener) closeDetails();
  });

  loadChainStatus();
  applyFilters();
})();
