// Harness stand-in for lightning-card: an SLDS-like card with a title and a body slot.
import { LightningElement, api } from 'lwc';

export default class Card extends LightningElement {
    @api title;
    @api iconName;
}
