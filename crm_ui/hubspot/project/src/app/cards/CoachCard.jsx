/*
 * Entry point of the nextadvance coach card on HubSpot deal records (crm.record.tab).
 * HubSpot renders what hubspot.extend returns; the view itself lives in CoachView.jsx so
 * the tests and the local harness can render it without the host.
 */
import React from 'react';
import { hubspot } from '@hubspot/ui-extensions';
import { CoachCard } from './CoachView.jsx';

hubspot.extend(() => <CoachCard />);
