// Harness stand-in for lightning-icon: a glyph per utility icon the card uses.
import { LightningElement, api } from 'lwc';

const GLYPHS = { 'utility:success': '✔', 'utility:ban': '⊘', 'utility:help': '?', 'utility:trending': '▲' };

export default class Icon extends LightningElement {
    @api iconName;
    @api size;
    @api alternativeText;
    @api title;

    get glyph() {
        return GLYPHS[this.iconName] || '•';
    }

    get cls() {
        return `icon ${(this.iconName || '').replace('utility:', 'i-')}`;
    }
}
