// Harness stand-in for lightning-button: a native button; its click bubbles to the host.
import { LightningElement, api } from 'lwc';

export default class Button extends LightningElement {
    @api label;
    @api variant;
    @api disabled;

    get cls() {
        return `btn btn-${this.variant || 'neutral'}`;
    }
}
