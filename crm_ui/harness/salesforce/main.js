// Harness entry: mount the Salesforce coach card for the record the page set up.
import { createElement } from 'lwc';
import NaCoachCard from 'c/naCoachCard';

const el = createElement('c-na-coach-card', { is: NaCoachCard });
el.recordId = window.__NA_RECORD_ID__;
document.getElementById('root').appendChild(el);
