/*
 * Harness stand-ins for the @hubspot/ui-extensions components the coach card uses, as
 * plain React DOM elements styled like HubSpot's, so the card renders in a browser
 * without HubSpot's host.  testId becomes data-testid, so the harness finds sections.
 */
import React from 'react';

const GAP = { flush: 0, xs: 4, sm: 8, md: 16, lg: 24 };
const JUSTIFY = { start: 'flex-start', end: 'flex-end', center: 'center', between: 'space-between', around: 'space-around' };

export function Flex({ direction = 'row', gap, justify, align, testId, children }) {
  const style = {
    display: 'flex',
    flexDirection: direction,
    gap: GAP[gap] ?? 0,
    justifyContent: JUSTIFY[justify],
    alignItems: align,
    flexWrap: direction === 'row' ? 'wrap' : undefined,
  };
  return (
    <div className="hs-flex" data-testid={testId} style={style}>
      {children}
    </div>
  );
}

export function Text({ children, format, variant, inline, testId }) {
  const Tag = inline ? 'span' : 'p';
  const cls = `hs-text${variant === 'microcopy' ? ' hs-micro' : ''}`;
  const style = format && format.fontWeight === 'bold' ? { fontWeight: 600 } : undefined;
  return (
    <Tag className={cls} style={style} data-testid={testId}>
      {children}
    </Tag>
  );
}

export function Heading({ children }) {
  return <h3 className="hs-heading">{children}</h3>;
}

export function Alert({ title, variant = 'info', children }) {
  return (
    <div className={`hs-alert hs-alert-${variant}`} role="alert">
      <strong>{title}</strong>
      <div>{children}</div>
    </div>
  );
}

export function Tag({ variant = 'default', children }) {
  return <span className={`hs-tag hs-tag-${variant}`}>{children}</span>;
}

export function StatusTag({ variant = 'default', children }) {
  return (
    <span className={`hs-status hs-status-${variant}`}>
      <i />
      {children}
    </span>
  );
}

export function List({ variant = 'unordered', children }) {
  const items = React.Children.toArray(children).map((c, i) => <li key={i}>{c}</li>);
  return variant.startsWith('ordered') ? <ol className="hs-list">{items}</ol> : <ul className="hs-list">{items}</ul>;
}

export function Divider() {
  return <hr className="hs-divider" />;
}

export function LoadingSpinner({ label }) {
  return <p className="hs-text">{label}…</p>;
}

export const hubspot = { extend: () => {} };
