// HubSpot coach card: rendered with the vendor's testing utilities (createRenderer) against
// payloads written by a real nextadvance sync (crm_ui/fixtures).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import React from 'react';
import { describe, expect, it } from 'vitest';
import { Alert, Flex, StatusTag, Text } from '@hubspot/ui-extensions';
import { CrmPropertyList } from '@hubspot/ui-extensions/crm';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { CoachCard, COACH_PROPERTY, FEEDBACK_PROPERTY } from '../project/src/app/cards/CoachView.jsx';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name) => JSON.parse(readFileSync(join(here, '..', '..', 'fixtures', `${name}.json`), 'utf8'));
const SECTIONS = ['header', 'verdict', 'advance', 'checklist', 'plan', 'momentum', 'feedback'];

function renderWith(properties, state = {}) {
  const renderer = createRenderer('crm.record.tab');
  renderer.mocks.useCrmProperties.willCall(() => ({
    properties,
    error: null,
    isLoading: false,
    isRefetching: false,
    refetch: async () => {},
    ...state,
  }));
  renderer.render(<CoachCard />);
  return renderer;
}

function deepText(node) {
  if (node.nodeType === 'text') {
    return node.text || '';
  }
  return (node.childNodes || []).map(deepText).join(' ');
}
const textOf = (node) => deepText(node).replace(/\s+/g, ' ').trim();

describe('HubSpot coach card', () => {
  it('asks for the coach and feedback properties of the deal', () => {
    const r = renderWith({ [COACH_PROPERTY]: JSON.stringify(fixture('discovery')), [FEEDBACK_PROPERTY]: null });
    expect(r.mocks.useCrmProperties.calls[0][0]).toEqual(['na_coach', 'na_feedback']);
  });

  it.each(['prospecting', 'discovery', 'negotiation'])('renders every section of a %s deal', (stage) => {
    const payload = fixture(stage);
    const r = renderWith({ [COACH_PROPERTY]: JSON.stringify(payload), [FEEDBACK_PROPERTY]: null });
    for (const name of SECTIONS) {
      expect(r.maybeFindByTestId(Flex, `section-${name}`), name).not.toBeNull();
    }
    expect(textOf(r.findByTestId(Flex, 'section-header'))).toContain(payload.stage);
    const verdict = textOf(r.findByTestId(Flex, 'section-verdict'));
    expect(verdict).toContain(payload.verdict.label);
    const checklist = r.findByTestId(Flex, 'section-checklist');
    const tags = checklist.findAll(StatusTag);
    expect(tags.length).toBe(payload.objectives.length);
    payload.objectives.forEach((o) => expect(textOf(checklist)).toContain(o.title));
    if (payload.advance.stretch) {
      expect(textOf(r.findByTestId(Flex, 'section-advance'))).toContain(payload.advance.stretch);
    }
    const all = textOf(r.getRootNode());
    expect(all).not.toMatch(/learned_negative|seller_action|unrealistic_for_stage|_id\b/);
  });

  it('labels statuses in words and flags the stage gap', () => {
    const payload = fixture('discovery');
    payload.objectives[0].status = 'learned_negative';
    payload.objectives[1].status = 'status_from_the_future';
    const r = renderWith({ [COACH_PROPERTY]: JSON.stringify(payload) });
    const tags = r.findByTestId(Flex, 'section-checklist').findAll(StatusTag);
    expect(textOf(tags[0])).toBe('Learned: the answer is no');
    expect(tags[0].props.variant).toBe('warning');
    expect(textOf(tags[1])).toBe('Still to learn');
    const gap = r.find(Alert, { title: 'Ahead of its evidence' });
    for (const g of payload.gap) {
      expect(textOf(gap)).toContain(g);
    }
  });

  it('shows a qualified good step as a warning under its own label', () => {
    const payload = fixture('negotiation');
    payload.verdict = {
      code: 'advance',
      qualifier: 'overdue',
      label: 'Its date has passed',
      sentence: 'Good step, but its date (Mon 2 Nov) has passed: agree a new date with Ines.',
      next_step: 'Ines (legal) returns redlines by 11/02',
      rewrite: null,
    };
    const r = renderWith({ [COACH_PROPERTY]: JSON.stringify(payload) });
    const alert = r.find(Alert, { title: 'Its date has passed' });
    expect(alert.props.variant).toBe('warning');
    const verdict = textOf(r.findByTestId(Flex, 'section-verdict'));
    expect(verdict).toContain('agree a new date with Ines');
    expect(verdict).not.toMatch(/overdue|real advance/);
  });

  it('offers feedback through HubSpot’s own editor for na_feedback', () => {
    const r = renderWith({ [COACH_PROPERTY]: JSON.stringify(fixture('negotiation')), [FEEDBACK_PROPERTY]: 'no' });
    const editor = r.findByTestId(Flex, 'section-feedback').find(CrmPropertyList);
    expect(editor.props.properties).toEqual(['na_feedback']);
  });

  it('says so when there is no advice, a broken one, or a newer one', () => {
    expect(textOf(renderWith({ [COACH_PROPERTY]: null }).findByTestId(Text, 'section-problem'))).toContain('No advice yet');
    expect(textOf(renderWith({ [COACH_PROPERTY]: '{oops' }).findByTestId(Text, 'section-problem'))).toContain('cannot be read');
    const newer = JSON.stringify({ ...fixture('prospecting'), v: 2 });
    expect(textOf(renderWith({ [COACH_PROPERTY]: newer }).findByTestId(Text, 'section-problem'))).toContain('newer than this card');
  });

  it('reports a loading error as a sentence', () => {
    const r = renderWith({}, { error: new Error('403') });
    expect(textOf(r.findByTestId(Text, 'section-problem'))).toContain('cannot be loaded');
  });

  it('ships the same view model as the Salesforce card', () => {
    const hs = readFileSync(join(here, '..', 'project', 'src', 'app', 'cards', 'coachModel.js'), 'utf8');
    const sf = readFileSync(
      join(here, '..', '..', 'salesforce', 'force-app', 'main', 'default', 'lwc', 'naCoachModel', 'naCoachModel.js'),
      'utf8',
    );
    expect(hs).toBe(sf);
  });

  it('has a project HubSpot can upload: app, card on deals, entry point present', () => {
    const root = join(here, '..', 'project');
    const project = JSON.parse(readFileSync(join(root, 'hsproject.json'), 'utf8'));
    expect(project.srcDir).toBe('src');
    const card = JSON.parse(readFileSync(join(root, 'src', 'app', 'cards', 'coach-card-hsmeta.json'), 'utf8'));
    expect(card.type).toBe('card');
    expect(card.config.objectTypes).toEqual(['deals']);
    readFileSync(join(root, 'src', card.config.entrypoint), 'utf8');
    const app = JSON.parse(readFileSync(join(root, 'src', 'app', 'app-hsmeta.json'), 'utf8'));
    expect(app.config.auth.requiredScopes).toContain('crm.objects.deals.write');
  });
});
