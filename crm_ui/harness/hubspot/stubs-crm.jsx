/*
 * Harness stand-ins for @hubspot/ui-extensions/crm: useCrmProperties reads the deal's
 * properties from window.__NA_PROPERTIES__ (set by the page from a fixture);
 * CrmPropertyList renders HubSpot's inline editor as a labelled select whose change is
 * logged in window.__NA_UPDATES__ (HubSpot saves it to the deal itself).
 */
import React, { useState } from 'react';

const LABELS = { na_feedback: 'Coach feedback' };
const OPTIONS = { na_feedback: ['', 'yes', 'no', 'done'] };
const NAMES = { '': '—', yes: 'Yes', no: 'No', done: 'Done' };

export function useCrmProperties(names) {
  const all = window.__NA_PROPERTIES__ || {};
  const properties = Object.fromEntries(names.map((n) => [n, all[n] ?? null]));
  return { properties, error: null, isLoading: false, isRefetching: false, refetch: async () => {} };
}

export function CrmPropertyList({ properties, direction }) {
  const all = window.__NA_PROPERTIES__ || {};
  return (
    <div className={`hs-proplist hs-proplist-${direction || 'column'}`}>
      {properties.map((name) => (
        <Editable key={name} name={name} initial={all[name] ?? ''} />
      ))}
    </div>
  );
}

function Editable({ name, initial }) {
  const [value, setValue] = useState(initial);
  const change = (e) => {
    setValue(e.target.value);
    window.__NA_UPDATES__ = window.__NA_UPDATES__ || [];
    window.__NA_UPDATES__.push({ [name]: e.target.value });
  };
  return (
    <label className="hs-prop">
      <span>{LABELS[name] || name}</span>
      <select name={name} value={value} onChange={change}>
        {(OPTIONS[name] || [value]).map((o) => (
          <option key={o} value={o}>
            {NAMES[o] ?? o}
          </option>
        ))}
      </select>
    </label>
  );
}
