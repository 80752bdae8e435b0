/*
 * The nextadvance coach card for HubSpot deals: renders the coach payload that the sync
 * writes into the deal property `na_coach` (see coachModel.js for the view model, shared
 * word for word with the Salesforce card).
 *
 * Feedback: a card cannot write a property through the SDK, and calling a backend needs a
 * public HTTPS URL (hubspot.fetch, no localhost) or a serverless function (Enterprise).  The
 * card therefore shows HubSpot's own property editor (CrmPropertyList) for `na_feedback`:
 * the rep's choice is saved by HubSpot with the rep's permissions and audit history, on
 * every tier, with nothing to host.  The next sync reads it.  See docs/crm-card.md.
 */
import React from 'react';
import {
  Alert,
  Divider,
  Flex,
  Heading,
  List,
  LoadingSpinner,
  StatusTag,
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import { CrmPropertyList, useCrmProperties } from '@hubspot/ui-extensions/crm';
import { parseCoach } from './coachModel.js';

export const COACH_PROPERTY = 'na_coach';
export const FEEDBACK_PROPERTY = 'na_feedback';

const TONE = { success: 'success', warning: 'warning', default: 'default' };

function Section({ name, title, children }) {
  return (
    <Flex direction="column" gap="xs" testId={`section-${name}`}>
      <Heading>{title}</Heading>
      {children}
    </Flex>
  );
}

export function CoachView({ view }) {
  const v = view.verdict;
  return (
    <Flex direction="column" gap="sm">
      <Flex direction="row" justify="between" align="baseline" testId="section-header">
        <Text format={{ fontWeight: 'bold' }}>{view.stage}</Text>
        <Text variant="microcopy">Advice from {view.decidedOn}</Text>
      </Flex>

      <Section name="verdict" title={`Your next step: ${v.label}`}>
        <Alert title={v.label} variant={v.isAdvance ? 'success' : 'warning'}>
          {v.nextStep ? `“${v.nextStep}” — ` : ''}
          {v.sentence}
        </Alert>
        {v.rewrite ? (
          <Text>
            <Text inline format={{ fontWeight: 'bold' }}>
              Try instead:
            </Text>{' '}
            {v.rewrite}
          </Text>
        ) : null}
      </Section>

      <Section name="advance" title="Close for on the next call">
        {view.hasAdvance ? (
          <>
            <Text>
              <Tag variant="success">Stretch</Tag> {view.stretch}
            </Text>
            {view.conservative ? (
              <Text>
                <Tag>At least</Tag> {view.conservative}
              </Text>
            ) : null}
          </>
        ) : (
          <Text>Nothing to close for: this deal has no open advance.</Text>
        )}
      </Section>

      <Section name="checklist" title="What we know">
        <Text format={{ fontWeight: view.ready ? 'bold' : 'regular' }}>{view.readiness}</Text>
        {view.hasGap ? (
          <Alert title="Ahead of its evidence" variant="danger">
            Still unknown from earlier stages: {view.gap.map((g) => g.text).join('; ')}
          </Alert>
        ) : null}
        {view.objectives.map((o) => (
          <Flex key={o.key} direction="column" gap="flush" testId={`objective-${o.key}`}>
            <Flex direction="row" gap="xs" align="center">
              <StatusTag variant={TONE[o.tone]}>{o.statusLabel}</StatusTag>
              <Text>{o.title}</Text>
              <Text variant="microcopy">{o.essentialLabel}</Text>
            </Flex>
            {o.evidenceLine ? <Text variant="microcopy">{o.evidenceLine}</Text> : null}
          </Flex>
        ))}
      </Section>

      <Section name="plan" title="Call plan">
        <List variant="ordered">
          {view.plan.map((p) => (
            <Text key={p.key}>{p.text}</Text>
          ))}
        </List>
        {view.questions.length ? (
          <>
            <Text variant="microcopy">Also ask</Text>
            <List variant="unordered">
              {view.questions.map((q) => (
                <Text key={q.key}>{q.text}</Text>
              ))}
            </List>
          </>
        ) : null}
      </Section>

      <Section name="momentum" title="Momentum">
        <Flex direction="row" gap="xs">
          {view.momentum.stalled ? <Tag variant="warning">Stalled</Tag> : null}
          {view.momentum.parked ? <Tag>Parked</Tag> : null}
        </Flex>
        <List variant="unordered">
          {view.momentum.lines.map((m) => (
            <Text key={m.key}>{m.text}</Text>
          ))}
        </List>
      </Section>

      <Divider />
      <Section name="feedback" title="Was this useful?">
        <Text variant="microcopy">Yes, no, or done: pick one below. Your team uses it to improve the playbook.</Text>
        <CrmPropertyList properties={[FEEDBACK_PROPERTY]} direction="row" />
      </Section>
    </Flex>
  );
}

export function CoachCard() {
  const { properties, isLoading, error } = useCrmProperties([COACH_PROPERTY, FEEDBACK_PROPERTY]);
  if (isLoading) {
    return <LoadingSpinner label="Loading the advice" />;
  }
  if (error) {
    return (
      <Text testId="section-problem">
        The advice cannot be loaded: check that you can read the nextadvance properties.
      </Text>
    );
  }
  const parsed = parseCoach(properties[COACH_PROPERTY]);
  if (parsed.problem) {
    return <Text testId="section-problem">{parsed.problem}</Text>;
  }
  return <CoachView view={parsed.view} />;
}
