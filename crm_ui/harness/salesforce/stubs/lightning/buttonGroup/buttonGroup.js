// Harness stand-in for lightning-button-group.
import { LightningElement } from 'lwc';

export default class ButtonGroup extends LightningElement {}
