// Harness stand-in for lightning-badge.
import { LightningElement, api } from 'lwc';

export default class Badge extends LightningElement {
    @api label;
}
