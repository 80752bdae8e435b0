/*
 * The coach payload (nextadvance `schema coach`, v1) as a view model both CRM cards render.
 *
 * Pure and dependency-free: the Salesforce LWC imports it as `c/naCoachModel`, and the
 * HubSpot card ships a byte-identical copy (a test keeps them equal), so both cards say
 * the same words.  The payload's codes (statuses, verdicts) never reach the screen: each
 * maps to a label here.  Unknown statuses read as missing, never as learned.
 */

export const PAYLOAD_VERSION = 1;

export const FEEDBACK_OPTIONS = [
    { value: 'yes', label: 'Yes' },
    { value: 'no', label: 'No' },
    { value: 'done', label: 'Done' }
];

const STATUS = {
    learned: { label: 'Learned', icon: 'utility:success', tone: 'success' },
    learned_negative: { label: 'Learned: the answer is no', icon: 'utility:ban', tone: 'warning' },
    missing: { label: 'Still to learn', icon: 'utility:help', tone: 'default' }
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-11-20" (or an ISO datetime) as "20 Nov 2026"; null stays null. */
export function formatDay(iso) {
    if (!iso || typeof iso !== 'string') {
        return null;
    }
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
    if (!m) {
        return null;
    }
    return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

function list(value) {
    return Array.isArray(value) ? value.filter((x) => typeof x === 'string' && x) : [];
}

function objective(o, i) {
    const status = STATUS[o && o.status] ? o.status : 'missing';
    const s = STATUS[status];
    const on = formatDay(o.on);
    return {
        key: `o${i}`,
        title: o.title || '',
        status,
        statusLabel: s.label,
        icon: s.icon,
        tone: s.tone,
        essential: Boolean(o.essential),
        essentialLabel: o.essential ? 'Essential' : 'Nice to have',
        evidence: status === 'missing' ? null : o.evidence || null,
        evidenceLine:
            status === 'missing' || !o.evidence ? null : on ? `${o.evidence} · ${on}` : o.evidence
    };
}

function momentumLines(m) {
    const lines = [];
    if (m.parked_until) {
        lines.push(
            `Parked until ${formatDay(m.parked_until)}` + (m.parked_reason ? `: ${m.parked_reason}` : '')
        );
    }
    if (m.note) {
        lines.push(m.stalled ? `Stalled: ${m.note}` : m.note);
    } else if (m.stalled) {
        lines.push('Stalled: no advance for longer than this stage usually takes');
    }
    if (m.last_advance) {
        const on = formatDay(m.last_advance_on);
        lines.push(`Last advance: ${m.last_advance}` + (on ? ` on ${on}` : ''));
    } else {
        lines.push('No advance recorded yet');
    }
    return lines.map((text, i) => ({ key: `m${i}`, text }));
}

/**
 * Parse the field's text into `{ view }` or `{ problem }` (a sentence for the rep).
 * Never throws: a broken or missing payload is a message on the card, not an error.
 */
export function parseCoach(text) {
    if (text === null || text === undefined || text === '') {
        return { problem: 'No advice yet: nextadvance has not evaluated this deal.' };
    }
    let p;
    try {
        p = typeof text === 'string' ? JSON.parse(text) : text;
    } catch (e) {
        return { problem: 'The advice stored on this deal cannot be read.' };
    }
    if (!p || typeof p !== 'object' || typeof p.v !== 'number') {
        return { problem: 'The advice stored on this deal cannot be read.' };
    }
    if (p.v > PAYLOAD_VERSION) {
        return { problem: 'This advice is newer than this card: ask your admin to update it.' };
    }
    const objectives = (Array.isArray(p.objectives) ? p.objectives : []).map(objective);
    const learned = objectives.filter((o) => o.status !== 'missing').length;
    const verdict = p.verdict || {};
    const advance = p.advance || {};
    const momentum = p.momentum || {};
    // a good step the deal or today qualifies (its date has passed, ...) is no success:
    // its label and sentence say why, in the playbook's words
    const realAdvance = verdict.code === 'advance' && !verdict.qualifier;
    const plan = list(p.plan);
    // the plan usually asks the questions already: list only the ones it does not
    const questions = list(p.questions).filter((q) => !plan.some((step) => step.includes(q)));
    return {
        view: {
            stage: p.stage || '',
            decidedOn: formatDay(p.decided_at),
            open: p.open !== false,
            ready: Boolean(p.ready),
            readiness: p.ready
                ? 'Ready to advance: every essential of this stage is learned.'
                : `${learned} of ${objectives.length} objectives learned.`,
            gap: list(p.gap).map((text, i) => ({ key: `g${i}`, text })),
            hasGap: list(p.gap).length > 0,
            objectives,
            stretch: advance.stretch || null,
            // the minimum only when it differs from the stretch (no "at least" the same thing)
            conservative:
                advance.conservative && advance.conservative !== advance.stretch
                    ? advance.conservative
                    : null,
            hasAdvance: Boolean(advance.stretch || advance.conservative),
            stretchId: advance.stretch_id || null,
            learn: list(p.learn).map((text, i) => ({ key: `l${i}`, text })),
            questions: questions.map((text, i) => ({ key: `q${i}`, text })),
            plan: plan.map((text, i) => ({ key: `p${i}`, text, n: i + 1 })),
            verdict: {
                isAdvance: realAdvance,
                label: verdict.label || '',
                sentence: verdict.sentence || '',
                nextStep: verdict.next_step || null,
                rewrite: verdict.code === 'advance' ? null : verdict.rewrite || null,
                tone: realAdvance ? 'success' : 'warning'
            },
            momentum: {
                stalled: Boolean(momentum.stalled),
                parked: Boolean(momentum.parked_until),
                lines: momentumLines(momentum)
            }
        }
    };
}
